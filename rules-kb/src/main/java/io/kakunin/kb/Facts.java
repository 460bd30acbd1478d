package io.kakunin.kb;

import io.kakunin.api.model.AssessmentRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * The structural checks the engine makes before it evaluates anything: the parts every
 * evaluation needs are there, and no list holds an empty slot (a JSON {@code null} element),
 * which would otherwise be a fact no rule can read.
 */
final class Facts {

    private Facts() {
    }

    static void check(AssessmentRequest request, PointerIndex index) {
        List<InvalidFactsException.Problem> problems = new ArrayList<>();
        if (request == null) {
            throw new InvalidFactsException(List.of(new InvalidFactsException.Problem("", "the request is empty")));
        }
        if (request.getOrganization() == null) {
            problems.add(new InvalidFactsException.Problem("/organization", "is required"));
        }
        if (request.getProducts() == null || request.getProducts().isEmpty()) {
            problems.add(new InvalidFactsException.Problem("/products", "must list at least one product"));
        }
        for (String pointer : index.nullElements()) {
            problems.add(new InvalidFactsException.Problem(pointer, "must not be null"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidFactsException(problems);
        }
    }
}
