package io.kakunin.service.assessments;

import io.kakunin.api.AssessmentsApi;
import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentList;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.BatchDetail;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Reevaluation;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.evaluation.AsOf;
import io.kakunin.service.security.Caller;
import io.kakunin.service.web.ReturnPreference;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.UUID;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Product-security assessments: evaluate, store, return; fetch again later. A verdict is
 * committed to the store before the response is sent, so a 201 always means it is kept.
 */
@RestController
class AssessmentsController implements AssessmentsApi {

    private final Assessments assessments;
    private final AssessmentBatch batch;
    private final Clock clock;

    AssessmentsController(Assessments assessments, AssessmentBatch batch, Clock clock) {
        this.assessments = assessments;
        this.batch = batch;
        this.clock = clock;
    }

    @Override
    public ResponseEntity<Object> createAssessment(
            AssessmentRequest request,
            String idempotencyKey,
            String acceptLanguage,
            String prefer,
            OffsetDateTime asOfParameter,
            Boolean allowPast) {
        Locale locale = Locales.resolve(acceptLanguage);
        Instant asOf = AsOf.of(asOfParameter, allowPast, clock.instant(), locale);
        ReturnPreference preference = ReturnPreference.of(prefer);
        Assessments.Created created = assessments.create(
                request,
                idempotencyKey,
                acceptLanguage,
                asOf,
                preference != ReturnPreference.MINIMAL,
                "POST /v1/assessments");
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .path("/{id}")
                .buildAndExpand(created.id())
                .toUri();
        ResponseEntity.BodyBuilder response = preference.mark(ResponseEntity.created(location));
        if (created.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        if (preference == ReturnPreference.MINIMAL) {
            return response.body(created.summary());
        }
        return response.header(HttpHeaders.CONTENT_LANGUAGE, created.verdict().getLocale())
                .body(created.verdict());
    }

    /** NDJSON in, NDJSON out, streamed: see {@link AssessmentBatch}. */
    @Override
    public ResponseEntity<InputStreamResource> createAssessmentBatch(
            InputStreamResource body,
            String acceptLanguage,
            BatchDetail detail,
            OffsetDateTime asOfParameter,
            Boolean allowPast) {
        Locale locale = Locales.resolve(acceptLanguage);
        Instant asOf = AsOf.of(asOfParameter, allowPast, clock.instant(), locale);
        InputStreamResource results =
                batch.start(body, Caller.current(), locale, detail == null ? BatchDetail.SUMMARY : detail, asOf);
        return ResponseEntity.ok().contentType(AssessmentBatch.NDJSON).body(results);
    }

    @Override
    public ResponseEntity<Assessment> getAssessment(UUID id, String acceptLanguage) {
        Assessment verdict = assessments.find(id, acceptLanguage);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_LANGUAGE, verdict.getLocale())
                .body(verdict);
    }

    /** The JC-STAR ★1 checklist of each product of a stored assessment: see {@link AssessmentViews#jcStar}. */
    @Override
    public ResponseEntity<JcStarChecklist> getAssessmentJcStarChecklist(UUID id, String acceptLanguage) {
        JcStarChecklist checklist = assessments.jcStar(id, acceptLanguage);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_LANGUAGE, checklist.getLocale())
                .body(checklist);
    }

    @Override
    public ResponseEntity<AssessmentList> listAssessments(
            String organizationId,
            String productId,
            OverallOutcome outcome,
            String failedRecommendation,
            String rulesetRevision,
            OffsetDateTime createdFrom,
            OffsetDateTime createdTo,
            Integer limit,
            String cursor) {
        return ResponseEntity.ok(assessments.list(
                new Assessments.Filter(
                        organizationId,
                        productId,
                        outcome,
                        failedRecommendation,
                        rulesetRevision,
                        createdFrom,
                        createdTo),
                limit,
                cursor));
    }

    /** See {@link Assessments#reevaluate}. */
    @Override
    public ResponseEntity<Reevaluation> reevaluateAssessment(UUID id) {
        return ResponseEntity.ok(assessments.reevaluate(id));
    }
}
