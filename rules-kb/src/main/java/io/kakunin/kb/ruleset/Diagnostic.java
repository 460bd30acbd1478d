package io.kakunin.kb.ruleset;

/**
 * One problem found in a ruleset, located in the file an officer edits.
 *
 * @param file     the path of the file relative to the ruleset root
 * @param line     the 1-based line, or 0 when the problem concerns the whole file
 * @param column   the 1-based column, or 0 when unknown
 * @param severity {@code ERROR} stops the ruleset from being activated; {@code WARNING} does not
 * @param message  what is wrong
 */
public record Diagnostic(String file, int line, int column, Severity severity, String message) {

    public enum Severity {
        ERROR,
        WARNING
    }

    public static Diagnostic error(String file, String message) {
        return new Diagnostic(file, 0, 0, Severity.ERROR, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The compiler convention {@code file:line:column: severity: message}. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + ": "
                + message;
    }
}
