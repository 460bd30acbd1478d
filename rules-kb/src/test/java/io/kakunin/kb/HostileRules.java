package io.kakunin.kb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The corpus of hostile rule files in {@code src/test/resources/malicious/}: each one acts (starts
 * a process, writes a file, reads the system, hides code) when its rules are compiled or fire, and
 * each must be refused by the ruleset check before either happens. Where one acts, it creates
 * {@code @CANARY@}, which a test replaces by a path in a temporary directory: the file must never
 * exist afterwards.
 */
public final class HostileRules {

    /** The placeholder for the canary path in the resources. */
    public static final String CANARY = "@CANARY@";

    /**
     * One hostile file and the text of it the refusal must point at: the diagnostic is expected at
     * the first occurrence of that text (in a table, at the cell that holds it).
     */
    public record Hostile(String file, String refusedAt) {

        /** The path it takes in a ruleset: under {@code product/}, the folder of its package. */
        public String target() {
            return "product/hostile-" + file;
        }

        /** The file's text with the canary placeholder replaced. */
        public String text(Path canary) {
            return resource().replace(CANARY, canary.toAbsolutePath().toString().replace('\\', '/'));
        }

        /** {@code line:column} where the refusal is expected in that text (a table: row and column of the cell). */
        public String expectedAt(String text) {
            int offset = text.indexOf(refusedAt);
            if (offset < 0) {
                throw new IllegalStateException(file + " does not contain " + refusedAt);
            }
            if (DecisionTables.isTable(file)) {
                List<List<String>> rows = DecisionTables.csv(text);
                for (int r = 0; r < rows.size(); r++) {
                    for (int c = 0; c < rows.get(r).size(); c++) {
                        if (rows.get(r).get(c).contains(refusedAt)) {
                            return (r + 1) + ":" + (c + 1);
                        }
                    }
                }
            }
            int line = 1 + (int) text.substring(0, offset).chars().filter(ch -> ch == '\n').count();
            int column = offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1;
            return line + ":" + column;
        }

        private String resource() {
            try (InputStream in = HostileRules.class.getResourceAsStream("/malicious/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("no resource malicious/" + file);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return file;
        }
    }

    private HostileRules() {
    }

    /** Every hostile file, with where it must be refused. */
    public static List<Hostile> corpus() {
        return List.of(
                new Hostile("process-start-runtime.drl", "Runtime.getRuntime()"),
                new Hostile("process-start-builder.drl", "new ProcessBuilder"),
                new Hostile("file-write.drl", "java.nio.file.Files.writeString"),
                new Hostile("reflection.drl", "java.nio.file.Files.class"),
                new Hostile("class-for-name.drl", "Class.forName"),
                new Hostile("system-property.drl", "System.getProperty"),
                new Hostile("static-call-in-from.drl", "java.nio.file.Files.writeString"),
                new Hostile("static-call-in-constraint.drl", "java.nio.file.Files.writeString"),
                new Hostile("accumulate-code.drl", "init("),
                new Hostile("eval-side-effect.drl", "eval("),
                new Hostile("function.drl", "function void keepNote"),
                new Hostile("unicode-escape.drl", "\\u000a"),
                new Hostile("import-java-io.drl", "java.io.File"),
                new Hostile("global-of-another-type.drl", "global java.util.List sink"),
                new Hostile("metadata-code.drl", "@note"),
                new Hostile("salience-code.drl", "salience ("),
                new Hostile("action-cell-code.drl.csv", "java.nio.file.Files.writeString"));
    }

    /** A request whose one product every hostile rule matches, so that a rule that compiled would fire. */
    public static final String REQUEST = "{\"organization\": {\"id\": \"hostile-rules\"}, \"products\": [{\"name\": \"Camera\"}]}";
}
