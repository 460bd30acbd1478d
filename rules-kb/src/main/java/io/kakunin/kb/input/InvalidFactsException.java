package io.kakunin.kb.input;

import java.util.List;

/**
 * The submitted facts cannot be evaluated as they are: something the engine needs is absent or
 * a list holds an empty slot. Each problem names its field by JSON Pointer.
 */
public class InvalidFactsException extends IllegalArgumentException {

    /** One unusable field. */
    public record Problem(String pointer, String detail) {}

    private final transient List<Problem> problems;

    public InvalidFactsException(List<Problem> problems) {
        super(problems.stream()
                .map(p -> p.pointer() + ": " + p.detail())
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid facts"));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
