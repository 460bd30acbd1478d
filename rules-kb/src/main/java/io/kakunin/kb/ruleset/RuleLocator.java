package io.kakunin.kb.ruleset;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where a rule is written ({@code rule "name"} in a DRL file), so that diagnostics about a
 * compiled rule point at the officer's file and line.
 */
public final class RuleLocator {

    public record Location(String file, int line) {}

    private static final Pattern RULE =
            Pattern.compile("(?m)^[ \\t]*rule[ \\t]+(?:\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)'|(\\S+))");

    private final Map<String, Location> locations = new HashMap<>();

    public RuleLocator(RulesetFiles files) {
        files.files().forEach((path, bytes) -> {
            if (DecisionTables.isTable(path)) {
                try {
                    DecisionTables.Generated table = DecisionTables.compile(path, bytes);
                    String[] lines = table.drl().split("\n", -1);
                    for (int i = 0; i < lines.length; i++) {
                        Matcher m = RULE.matcher(lines[i]);
                        if (m.find() && m.group(1) != null) {
                            DecisionTables.Cell cell = table.cellOf(i + 1);
                            locations.putIfAbsent(m.group(1), new Location(path, cell == null ? 0 : cell.row()));
                        }
                    }
                } catch (RulesetException e) {
                    // reported by the compiler
                }
            } else if (path.endsWith(".drl")) {
                String text = new String(bytes, StandardCharsets.UTF_8);
                Matcher m = RULE.matcher(text);
                while (m.find()) {
                    String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                    int line = 1
                            + (int) text.substring(0, m.start(1) != -1 ? m.start(1) : m.start())
                                    .chars()
                                    .filter(c -> c == '\n')
                                    .count();
                    locations.putIfAbsent(name, new Location(path, line));
                }
            }
        });
    }

    public Location locate(String ruleName) {
        return locations.getOrDefault(ruleName, new Location("", 0));
    }

    // ------------------------------------------------------------------ other files an officer edits

    /** A 1-based line and column in a text file. */
    public record Position(int line, int column) {
        static final Position NONE = new Position(0, 0);
    }

    /**
     * Where each key of a {@code .properties} text is defined: the line its logical line starts
     * on and the column of the key, read as {@link java.util.Properties#load(java.io.Reader)}
     * reads it (comments, escapes, continuation lines, {@code =}, {@code :} or blank as the
     * separator). A key defined twice is at its last definition, the one that counts.
     */
    public static Map<String, Position> propertyKeys(String text) {
        Map<String, Position> keys = new HashMap<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int startLine = i;
            String line = lines[i];
            int start = 0;
            while (start < line.length()
                    && (line.charAt(start) == ' ' || line.charAt(start) == '\t' || line.charAt(start) == '\f')) {
                start++;
            }
            boolean comment = start < line.length() && (line.charAt(start) == '#' || line.charAt(start) == '!');
            // A logical line goes on while a line ends in an odd number of backslashes (not in comments).
            while (!comment && endsInContinuation(lines[i]) && i + 1 < lines.length) {
                i++;
            }
            if (comment || start >= line.length()) {
                continue;
            }
            StringBuilder key = new StringBuilder();
            for (int c = start; c < line.length(); c++) {
                char ch = line.charAt(c);
                if (ch == '\\' && c + 1 < line.length()) {
                    char next = line.charAt(++c);
                    if (next == 'u' && c + 4 < line.length()) {
                        try {
                            key.append((char) Integer.parseInt(line.substring(c + 1, c + 5), 16));
                            c += 4;
                        } catch (NumberFormatException e) {
                            key.append(next);
                        }
                    } else {
                        key.append(
                                switch (next) {
                                    case 't' -> '\t';
                                    case 'n' -> '\n';
                                    case 'r' -> '\r';
                                    case 'f' -> '\f';
                                    default -> next;
                                });
                    }
                } else if (ch == '=' || ch == ':' || ch == ' ' || ch == '\t' || ch == '\f') {
                    break;
                } else {
                    key.append(ch);
                }
            }
            keys.put(key.toString(), new Position(startLine + 1, start + 1));
        }
        return keys;
    }

    private static boolean endsInContinuation(String line) {
        int backslashes = 0;
        for (int c = line.length() - 1; c >= 0 && line.charAt(c) == '\\'; c--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** Where a recommendation is listed in {@code catalog.yaml} ({@code - id: PS-4.18}): the ID's line and column. */
    public static Position catalogEntry(String yaml, String id) {
        Matcher m = Pattern.compile(
                        "(?m)^[ \\t-]*\\{?[ \\t]*id:[ \\t]*[\"']?(" + Pattern.quote(id) + ")[\"']?[ \\t]*(?:[,}#]|$)")
                .matcher(yaml);
        if (!m.find()) {
            m = Pattern.compile("\\bid:[ \\t]*[\"']?(" + Pattern.quote(id) + ")\\b")
                    .matcher(yaml);
            if (!m.find()) {
                return Position.NONE;
            }
        }
        return at(yaml, m.start(1));
    }

    /** Where a document is listed under {@code documents:} in {@code catalog.yaml}: its key's line and column. */
    public static Position catalogDocument(String yaml, String key) {
        Matcher section = Pattern.compile("(?m)^documents[ \\t]*:").matcher(yaml);
        if (!section.find()) {
            return Position.NONE;
        }
        Matcher m = Pattern.compile("(?m)^[ \\t]+[\"']?(" + Pattern.quote(key) + ")[\"']?[ \\t]*:")
                .matcher(yaml);
        return m.find(section.end()) ? at(yaml, m.start(1)) : Position.NONE;
    }

    /**
     * Where a text first occurs at or after a line (1-based), within a number of lines: for
     * example the {@code @recommendation("PS-1.99")} of a rule that starts at that line.
     */
    public static Position find(String text, int fromLine, int withinLines, String part) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int l = Math.max(fromLine, 1); l <= lines.length && l < fromLine + withinLines; l++) {
            int at = lines[l - 1].indexOf(part);
            if (at >= 0) {
                return new Position(l, at + 1);
            }
        }
        return Position.NONE;
    }

    /** The line and column of a character offset. */
    private static Position at(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Position(line, offset - lineStart + 1);
    }
}
