package io.kakunin.kb.compile;

import io.kakunin.kb.ruleset.DecisionTables;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.RulesetException;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.compiler.kie.builder.impl.KieBuilderImpl;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.ReleaseId;
import org.kie.internal.builder.KnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilderResult;
import org.kie.internal.builder.ResultSeverity;

/**
 * Compiles rule files at run time with Drools' classic DRL compiler, which reports better
 * positions than the executable-model compiler, and turns its messages into diagnostics
 * located in the officer's files.
 */
public final class DrlCompiler {

    /** The name of the knowledge base every ruleset compiles to. */
    public static final String KBASE = "kakunin";

    private static final AtomicLong BUILDS = new AtomicLong();

    /** The knowledge base when the rules compiled (null otherwise), and every diagnostic. */
    public record Result(KieBase kieBase, List<Diagnostic> diagnostics) {}

    private DrlCompiler() {}

    /** Moves a diagnostic on generated DRL to the table cell the line came from. */
    private static Diagnostic inTable(Diagnostic d, DecisionTables.Generated table) {
        DecisionTables.Cell cell = table.cellOf(d.line());
        if (cell == null || cell.row() == 0) {
            return new Diagnostic(d.file(), 0, 0, d.severity(), d.message());
        }
        String message = d.message().replaceAll("\\bLine \\d+:\\d+\\s*", "");
        return new Diagnostic(d.file(), cell.row(), cell.column(), d.severity(), cell.label() + ": " + message);
    }

    public static Result compile(RulesetFiles files) {
        KieServices ks = KieServices.get();
        // A release ID of its own per build: concurrent builds (a reload and a validation)
        // must not replace each other's module in the JVM-wide repository.
        ReleaseId releaseId = ks.newReleaseId("io.kakunin.rulesets", "ruleset-" + BUILDS.incrementAndGet(), "1.0.0");
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        kfs.writeKModuleXML("<kmodule xmlns=\"http://www.drools.org/xsd/kmodule\">" + "<kbase name=\"" + KBASE
                + "\" default=\"true\"/></kmodule>");
        Map<String, String> toRulesetPath = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, DecisionTables.Generated> tables = new LinkedHashMap<>();
        // Every text file of the ruleset is UTF-8: one saved in another encoding is refused here,
        // at its first bad byte, before anything reads it as garbled text.
        List<Diagnostic> diagnostics = new ArrayList<>(files.encodingProblems());
        Set<String> unreadable = new HashSet<>();
        diagnostics.forEach(d -> unreadable.add(d.file()));
        files.files().forEach((path, bytes) -> {
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (!RulesetFiles.isRuleFile(name) || unreadable.contains(path)) {
                return;
            }
            // Under the built-in root, so that folder = package holds for copied rules.
            String resource = RulesetFiles.BUILT_IN_ROOT + path;
            if (DecisionTables.isTable(path)) {
                try {
                    DecisionTables.Generated generated = DecisionTables.compile(path, bytes);
                    resource = resource + ".drl";
                    kfs.write("src/main/resources/" + resource, generated.drl().getBytes(StandardCharsets.UTF_8));
                    tables.put(path, generated);
                    sources.put(resource, generated.drl());
                } catch (RulesetException e) {
                    diagnostics.addAll(e.diagnostics());
                    return;
                }
            } else {
                byte[] text = RulesetFiles.withoutBom(bytes);
                kfs.write("src/main/resources/" + resource, text);
                sources.put(resource, new String(text, StandardCharsets.UTF_8));
            }
            toRulesetPath.put(resource, path);
        });
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll();
        for (Diagnostic d : DrlDiagnostics.of(
                builder.getResults().getMessages(), knowledgeBuilderResults(builder), toRulesetPath, sources)) {
            DecisionTables.Generated table = tables.get(d.file());
            diagnostics.add(table == null ? d : inTable(d, table));
        }
        KieBase kieBase = null;
        try {
            if (diagnostics.stream().noneMatch(Diagnostic::isError)) {
                kieBase = ks.newKieContainer(releaseId).getKieBase(KBASE);
            }
        } finally {
            ks.getRepository().removeKieModule(releaseId);
        }
        return new Result(kieBase, List.copyOf(diagnostics));
    }

    /**
     * The knowledge builder's own results behind the builder's messages, which keep only a text
     * and a line: the rule a Java compiler error belongs to and the compiler's position in the
     * consequence. Empty when this Drools version does not expose them; the messages suffice then.
     */
    private static List<KnowledgeBuilderResult> knowledgeBuilderResults(KieBuilder builder) {
        try {
            if (builder instanceof KieBuilderImpl impl
                    && impl.getKieModuleIgnoringErrors() instanceof InternalKieModule module) {
                KnowledgeBuilder kbuilder = module.getKnowledgeBuilderForKieBase(KBASE);
                if (kbuilder != null) {
                    return new ArrayList<>(kbuilder.getResults(ResultSeverity.ERROR, ResultSeverity.WARNING));
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // the messages alone are reported
        }
        return List.of();
    }
}
