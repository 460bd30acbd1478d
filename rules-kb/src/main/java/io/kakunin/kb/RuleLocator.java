package io.kakunin.kb;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where a rule is written ({@code rule "name"} in a DRL file), so that diagnostics about a
 * compiled rule point at the officer's file and line.
 */
final class RuleLocator {

    record Location(String file, int line) {
    }

    private static final Pattern RULE = Pattern.compile("(?m)^[ \\t]*rule[ \\t]+(?:\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)'|(\\S+))");

    private final Map<String, Location> locations = new HashMap<>();

    RuleLocator(RulesetFiles files) {
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
                    int line = 1 + (int) text.substring(0, m.start(1) != -1 ? m.start(1) : m.start()).chars().filter(c -> c == '\n').count();
                    locations.putIfAbsent(name, new Location(path, line));
                }
            }
        });
    }

    Location locate(String ruleName) {
        return locations.getOrDefault(ruleName, new Location("", 0));
    }
}
