package io.kakunin.service.assessments;

import io.kakunin.api.AssessmentsApi;
import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.AssessmentList;
import io.kakunin.api.model.BatchDetail;
import io.kakunin.api.model.AssessmentSummary;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Reevaluation;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.kb.InvalidFactsException;
import io.kakunin.kb.Locales;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.StoredVerdicts;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.security.Caller;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.EvaluationFailures;
import io.kakunin.service.web.Idempotency;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.Listing;
import io.kakunin.service.web.NotFoundException;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Locale;
import java.util.UUID;

import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Product-security assessments: evaluate, store, return; fetch again later. A verdict is
 * committed to the store before the response is sent, so a 201 always means it is kept.
 */
@RestController
class AssessmentsController implements AssessmentsApi {

    static final String OPERATION = "createAssessment";

    private final ActiveRuleset active;
    private final AssessmentRecords records;
    private final NamedParameterJdbcTemplate sql;
    private final Idempotency idempotency;
    private final AssessmentWriter writer;
    private final AssessmentBatch batch;
    private final JsonMapper json;
    private final Clock clock;

    AssessmentsController(ActiveRuleset active, AssessmentRecords records, NamedParameterJdbcTemplate sql,
                          Idempotency idempotency, AssessmentWriter writer, AssessmentBatch batch, JsonMapper json, Clock clock) {
        this.writer = writer;
        this.batch = batch;
        this.active = active;
        this.records = records;
        this.sql = sql;
        this.idempotency = idempotency;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public ResponseEntity<Assessment> createAssessment(AssessmentRequest request, String idempotencyKey, String acceptLanguage) {
        Caller caller = Caller.current();
        Locale locale = Locales.resolve(acceptLanguage);
        Ruleset ruleset = active.ruleset();
        String requestJson = json.writeValueAsString(request);
        Assessment verdict = assess(ruleset, request, locale, "POST /v1/assessments").id(Ids.newId(clock));
        String verdictJson = StoredVerdicts.toJson(verdict);
        AssessmentRecord record = new AssessmentRecord(verdict.getId(), verdict.getCreatedAt().toInstant(), caller.id(),
                request.getOrganization().getId(), verdict.getOverallOutcome().getValue(),
                ruleset.revision(), ruleset.version(), verdict.getLocale(), requestJson, verdictJson);
        Idempotency.Stored stored = idempotency.store(caller.id(), OPERATION, idempotencyKey, requestJson, verdict.getId(),
                () -> writer.insert(List.of(AssessmentWriter.NewAssessment.of(record, request, verdict))));
        Assessment body = verdict;
        if (stored.replayed()) {
            body = view(records.findById(stored.id()).orElseThrow(), acceptLanguage);
        } else {
            body.getRuleset().available(true);
        }
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(body.getId()).toUri();
        ResponseEntity.BodyBuilder response = ResponseEntity.created(location).header(HttpHeaders.CONTENT_LANGUAGE, body.getLocale());
        if (stored.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.body(body);
    }

    /**
     * The verdict of the ruleset; a rule that throws at run time is the ruleset's fault, answered
     * 500 {@code evaluation-failed} naming the rule and the revision, before anything is stored.
     */
    static Assessment assess(Ruleset ruleset, AssessmentRequest request, Locale locale, String operation) {
        try {
            return ruleset.assess(request, locale);
        } catch (InvalidFactsException | ApiProblem e) {
            throw e;
        } catch (RuntimeException e) {
            throw EvaluationFailures.of(ruleset, e, operation).problem();
        }
    }

    /** NDJSON in, NDJSON out, streamed: see {@link AssessmentBatch}. */
    @Override
    public ResponseEntity<InputStreamResource> createAssessmentBatch(InputStreamResource body, String acceptLanguage, BatchDetail detail) {
        InputStreamResource results = batch.start(body, Caller.current(), Locales.resolve(acceptLanguage),
                detail == null ? BatchDetail.SUMMARY : detail);
        return ResponseEntity.ok().contentType(AssessmentBatch.NDJSON).body(results);
    }

    @Override
    public ResponseEntity<Assessment> getAssessment(UUID id, String acceptLanguage) {
        Assessment verdict = view(visible(id), acceptLanguage);
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_LANGUAGE, verdict.getLocale()).body(verdict);
    }

    /** A stored assessment the caller may see; any other is "not found", so that existence does not leak. */
    private AssessmentRecord visible(UUID id) {
        Caller caller = Caller.current();
        return records.findById(id).filter(r -> caller.maySee(r.caller())).orElseThrow(() -> new NotFoundException("assessment", id));
    }

    /**
     * A stored verdict as the API shows it: rendered (titles, messages, remediation, references)
     * by the revision that decided it, in the language asked for or the one it was made in. If
     * that revision's rules are gone, the verdict is shown as stored, without texts, and says so.
     */
    private Assessment view(AssessmentRecord record, String acceptLanguage) {
        Assessment verdict = StoredVerdicts.fromJson(record.verdictJson());
        Locale locale = Locales.resolve(acceptLanguage != null ? acceptLanguage : record.locale());
        Optional<Ruleset> decidedBy = active.byRevision(record.rulesetRevision());
        decidedBy.ifPresent(ruleset -> StoredVerdicts.render(verdict, ruleset, locale));
        verdict.getRuleset().available(decidedBy.isPresent());
        return verdict;
    }

    @Override
    public ResponseEntity<AssessmentList> listAssessments(String organizationId, String productId, OverallOutcome outcome,
                                                          String failedRecommendation, String rulesetRevision, OffsetDateTime createdFrom,
                                                          OffsetDateTime createdTo, Integer limit, String cursor) {
        Caller caller = Caller.current();
        int pageSize = limit == null ? 50 : limit;
        Listing listing = new Listing()
                .where("a.caller = :caller", "caller", caller.readsEverything() ? null : caller.id())
                .where("a.organization_id = :organization", "organization", organizationId)
                .where("a.overall_outcome = :outcome", "outcome", outcome == null ? null : outcome.getValue())
                .where("a.ruleset_revision = :revision", "revision", rulesetRevision)
                .where("a.created_at >= :from", "from", createdFrom)
                .where("a.created_at < :to", "to", createdTo)
                .where("EXISTS (SELECT 1 FROM assessment_product p WHERE p.assessment_id = a.id AND p.product_id = :product)", "product", productId)
                .where("EXISTS (SELECT 1 FROM assessment_failure f WHERE f.assessment_id = a.id AND f.recommendation_id = :failed)",
                        "failed", failedRecommendation)
                .after("a.id", cursor);
        List<AssessmentSummary> rows = sql.query(listing.sql("SELECT a.id, a.created_at, a.caller, a.organization_id, a.overall_outcome, "
                + "a.ruleset_revision, a.ruleset_version FROM assessment a", "a.id", pageSize), listing.parameters(), (rs, n) -> new AssessmentSummary()
                .id(rs.getObject("id", UUID.class))
                .createdAt(rs.getObject("created_at", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC))
                .caller(rs.getString("caller"))
                .organizationId(rs.getString("organization_id"))
                .overallOutcome(OverallOutcome.fromValue(rs.getString("overall_outcome")))
                .ruleset(new RulesetRef().revision(rs.getString("ruleset_revision")).version(rs.getString("ruleset_version")))
                .productIds(new ArrayList<>())
                .failedRecommendationIds(new ArrayList<>()));
        Listing.Page<AssessmentSummary> page = Listing.page(rows, pageSize, AssessmentSummary::getId);
        if (!page.items().isEmpty()) {
            Map<UUID, AssessmentSummary> byId = new LinkedHashMap<>();
            page.items().forEach(s -> byId.put(s.getId(), s));
            MapSqlParameterSource ids = new MapSqlParameterSource("ids", byId.keySet());
            sql.query("SELECT assessment_id, product_id FROM assessment_product WHERE assessment_id IN (:ids) ORDER BY assessment_id, product_index",
                    ids, rs -> {
                        byId.get(rs.getObject(1, UUID.class)).getProductIds().add(rs.getString(2));
                    });
            sql.query("SELECT assessment_id, recommendation_id FROM assessment_failure WHERE assessment_id IN (:ids) ORDER BY assessment_id, recommendation_id",
                    ids, rs -> {
                        byId.get(rs.getObject(1, UUID.class)).getFailedRecommendationIds().add(rs.getString(2));
                    });
        }
        return ResponseEntity.ok(new AssessmentList().items(new ArrayList<>(page.items())).nextCursor(page.nextCursor()));
    }

    /**
     * Evaluates the stored request again under the revision that decided it, as of the stored
     * verdict's time, in its language, and compares field for field. Nothing is stored.
     */
    @Override
    public ResponseEntity<Reevaluation> reevaluateAssessment(UUID id) {
        AssessmentRecord record = visible(id);
        Ruleset ruleset = active.byRevision(record.rulesetRevision()).orElseThrow(() -> ApiProblem.conflict("ruleset-unavailable",
                "The ruleset that decided is no longer available",
                "The rules of revision " + record.rulesetRevision() + " are no longer held by the service; the stored verdict stands as "
                        + "recorded but cannot be recomputed."));
        JsonNode stored = json.readTree(record.verdictJson());
        Assessment original = json.treeToValue(stored, Assessment.class);
        Instant asOf = original.getCreatedAt().toInstant();
        AssessmentRequest request = json.readValue(record.requestJson(), AssessmentRequest.class);
        Assessment again = assess(ruleset.withClock(Clock.fixed(asOf, ZoneOffset.UTC)), request, Locales.resolve(record.locale()),
                "GET /v1/assessments/" + record.id() + "/reevaluation").id(record.id());
        List<String> differences = JsonDifferences.between(json.readTree(StoredVerdicts.toJson(original)),
                json.readTree(StoredVerdicts.toJson(again)));
        again.getRuleset().available(true);
        return ResponseEntity.ok(new Reevaluation()
                .assessmentId(record.id())
                .revision(record.rulesetRevision())
                .evaluatedAsOf(asOf.atOffset(ZoneOffset.UTC))
                .identical(differences.isEmpty())
                .differences(differences)
                .verdict(again));
    }
}
