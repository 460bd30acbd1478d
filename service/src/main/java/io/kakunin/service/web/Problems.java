package io.kakunin.service.web;

import io.kakunin.kb.InvalidFactsException;

import jakarta.validation.ConstraintViolation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import tools.jackson.core.JacksonException;

/**
 * What the problem handler says about bad input, for code that reports problems without
 * throwing: a batch reports each bad line on that line, in the very words a single request
 * would have got.
 */
public final class Problems {

    private Problems() {
    }

    /** The field and the explanation of a JSON reading error. */
    public static FieldProblem of(JacksonException e) {
        return ProblemHandler.describe(e);
    }

    /** Bean-validation violations as fields named by JSON Pointer, in pointer order. */
    public static List<FieldProblem> of(Set<? extends ConstraintViolation<?>> violations) {
        List<FieldProblem> fields = new ArrayList<>();
        for (ConstraintViolation<?> v : violations) {
            fields.add(new FieldProblem(ProblemHandler.pointerOfProperty(v.getPropertyPath().toString()), v.getMessage()));
        }
        fields.sort(Comparator.comparing(FieldProblem::pointer));
        return fields;
    }

    public static List<FieldProblem> of(InvalidFactsException e) {
        return e.problems().stream().map(p -> new FieldProblem(p.pointer(), p.detail())).toList();
    }

    /** The one-line detail of a list of field problems: the first, and how many more. */
    public static String summary(List<FieldProblem> fields) {
        return ProblemHandler.summary(fields);
    }
}
