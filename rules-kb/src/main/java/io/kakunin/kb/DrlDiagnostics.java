package io.kakunin.kb;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kie.api.builder.Message;

/**
 * Turns Drools builder messages into diagnostics an officer can act on: the file as it is in
 * the ruleset, the line, and the column, which Drools often puts only in the message text
 * ({@code [ERR 102] Line 12:4 mismatched input ...}).
 */
final class DrlDiagnostics {

    private static final Pattern LINE_COLUMN = Pattern.compile("\\bLine (\\d+):(\\d+)");
    private static final String RESOURCES = "src/main/resources/";

    private DrlDiagnostics() {
    }

    /** The diagnostic for a message, or null for noise that only repeats an earlier error. */
    static Diagnostic toDiagnostic(Message message, Map<String, String> toRulesetPath) {
        String text = message.getText() == null ? "" : message.getText().strip();
        if (text.startsWith("Parser returned a null Package")) {
            return null;
        }
        String path = message.getPath() == null ? "" : message.getPath();
        if (path.startsWith(RESOURCES)) {
            path = path.substring(RESOURCES.length());
        }
        String file = toRulesetPath.getOrDefault(path, path);
        int line = message.getLine();
        int column = message.getColumn();
        Matcher m = LINE_COLUMN.matcher(text);
        if (m.find()) {
            if (line <= 0) {
                line = Integer.parseInt(m.group(1));
            }
            if (column <= 0) {
                // Drools counts columns from 0 in these texts; editors count from 1.
                column = Integer.parseInt(m.group(2)) + 1;
            }
        }
        Diagnostic.Severity severity = message.getLevel() == Message.Level.ERROR
                ? Diagnostic.Severity.ERROR : Diagnostic.Severity.WARNING;
        if (message.getLevel() == Message.Level.INFO) {
            return null;
        }
        return new Diagnostic(file, Math.max(line, 0), Math.max(column, 0), severity, text.replaceAll("\\s+", " "));
    }
}
