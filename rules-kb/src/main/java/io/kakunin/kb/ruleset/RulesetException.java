package io.kakunin.kb.ruleset;

import java.util.List;

/**
 * A ruleset that cannot be used: it does not compile, or its catalog, messages or rules do
 * not agree with one another. The diagnostics say where.
 */
public class RulesetException extends RuntimeException {

    private final transient List<Diagnostic> diagnostics;

    public RulesetException(String message) {
        this(message, List.of());
    }

    public RulesetException(String message, List<Diagnostic> diagnostics) {
        super(message);
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    @Override
    public String getMessage() {
        if (diagnostics.isEmpty()) {
            return super.getMessage();
        }
        StringBuilder sb = new StringBuilder(super.getMessage());
        for (Diagnostic d : diagnostics) {
            sb.append(System.lineSeparator()).append("  ").append(d);
        }
        return sb.toString();
    }
}
