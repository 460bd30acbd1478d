package io.kakunin.service.evaluation;

import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.Result;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The recommendations a verdict fails, each once, in the verdict's order: what listings filter
 * on ({@code failedRecommendation}, stored beside each assessment and sharing review) and what a
 * batch result line reports. One definition, so that a listing and a batch line never disagree.
 */
public final class FailedRecommendations {

    private FailedRecommendations() {}

    public static List<String> of(List<Result> results) {
        Set<String> failed = new LinkedHashSet<>();
        for (Result result : results) {
            if (result.getOutcome() == Outcome.FAIL) {
                failed.add(result.getRecommendationId());
            }
        }
        return new ArrayList<>(failed);
    }
}
