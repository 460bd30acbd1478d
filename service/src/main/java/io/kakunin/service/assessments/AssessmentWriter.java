package io.kakunin.service.assessments;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.Outcome;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes assessments with the rows listings filter on (product identifiers, failed
 * recommendations), many at once in batched statements. The caller owns the transaction.
 */
@Component
class AssessmentWriter {

    /** An assessment to store: its record and what listings filter on. */
    record NewAssessment(AssessmentRecord record, List<String> productIds, Set<String> failed) {

        static NewAssessment of(AssessmentRecord record, AssessmentRequest request, Assessment verdict) {
            List<String> products = new ArrayList<>(request.getProducts().size());
            for (var product : request.getProducts()) {
                products.add(product.getId());
            }
            Set<String> failed = new LinkedHashSet<>();
            verdict.getResults().stream().filter(r -> r.getOutcome() == Outcome.FAIL).forEach(r -> failed.add(r.getRecommendationId()));
            return new NewAssessment(record, products, failed);
        }
    }

    private final JdbcTemplate jdbc;

    AssessmentWriter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void insert(List<NewAssessment> assessments) {
        if (assessments.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(assessments.size());
        List<Object[]> products = new ArrayList<>();
        List<Object[]> failures = new ArrayList<>();
        for (NewAssessment a : assessments) {
            AssessmentRecord r = a.record();
            rows.add(new Object[] {r.id(), r.createdAt().atOffset(ZoneOffset.UTC), r.caller(), r.organizationId(), r.overallOutcome(),
                    r.rulesetRevision(), r.rulesetVersion(), r.locale(), r.requestJson(), r.verdictJson()});
            for (int i = 0; i < a.productIds().size(); i++) {
                if (a.productIds().get(i) != null) {
                    products.add(new Object[] {r.id(), i, a.productIds().get(i)});
                }
            }
            for (String recommendation : a.failed()) {
                failures.add(new Object[] {r.id(), recommendation});
            }
        }
        jdbc.batchUpdate("INSERT INTO assessment (id, created_at, caller, organization_id, overall_outcome, ruleset_revision, "
                + "ruleset_version, locale, request_json, verdict_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
        if (!products.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO assessment_product (assessment_id, product_index, product_id) VALUES (?, ?, ?)", products);
        }
        if (!failures.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO assessment_failure (assessment_id, recommendation_id) VALUES (?, ?)", failures);
        }
    }

    static UUID idOf(NewAssessment a) {
        return a.record().id();
    }
}
