package io.kakunin.service.assessments;

import io.kakunin.api.AssessmentsApi;
import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentList;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.AssessmentSummary;
import io.kakunin.api.model.BatchDetail;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Reevaluation;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.api.model.Waiver;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.StoredVerdicts;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.evaluation.AsOf;
import io.kakunin.service.evaluation.Evaluations;
import io.kakunin.service.evaluation.FailedRecommendations;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.security.Caller;
import io.kakunin.service.storage.Idempotency;
import io.kakunin.service.storage.Page;
import io.kakunin.service.storage.StoreFailures;
import io.kakunin.service.waivers.WaiverStore;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.NotFoundException;
import io.kakunin.service.web.ReturnPreference;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Product-security assessments: evaluate, store, return; fetch again later. A verdict is
 * committed to the store before the response is sent, so a 201 always means it is kept.
 */
@RestController
class AssessmentsController implements AssessmentsApi {

    private final ActiveRuleset active;
    private final AssessmentStore store;
    private final AssessmentViews views;
    private final AssessmentBatch batch;
    private final WaiverStore waivers;
    private final StoreFailures failures;
    private final JsonMapper json;
    private final Clock clock;

    AssessmentsController(
            ActiveRuleset active,
            AssessmentStore store,
            AssessmentViews views,
            AssessmentBatch batch,
            WaiverStore waivers,
            StoreFailures failures,
            JsonMapper json,
            Clock clock) {
        this.active = active;
        this.store = store;
        this.views = views;
        this.batch = batch;
        this.waivers = waivers;
        this.failures = failures;
        this.json = json;
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
        Caller caller = Caller.current();
        Locale locale = Locales.resolve(acceptLanguage);
        Instant now = clock.instant();
        Instant asOf = AsOf.of(asOfParameter, allowPast, now, locale);
        ReturnPreference preference = ReturnPreference.of(prefer);
        Ruleset ruleset = active.ruleset();
        String requestJson = json.writeValueAsString(request);
        // Read before anything is written: a store that fails here is answered "nothing was stored".
        Instant waiversAsOf = asOf == null ? now : asOf;
        List<Waiver> approved = failures.beforeWrite(() -> waivers.approved(organizationId(request), waiversAsOf));
        // The summary shows no text: none is rendered for it (the stored form has none either).
        Assessment verdict = (preference == ReturnPreference.MINIMAL
                        ? Evaluations.assessUnrendered(ruleset, request, approved, asOf, locale, "POST /v1/assessments")
                        : Evaluations.assess(ruleset, request, approved, asOf, locale, "POST /v1/assessments"))
                .orThrow()
                .id(Ids.newId(clock));
        String verdictJson = StoredVerdicts.toJson(verdict);
        AssessmentRecord record = new AssessmentRecord(
                verdict.getId(),
                verdict.getCreatedAt().toInstant(),
                caller.id(),
                request.getOrganization().getId(),
                verdict.getOverallOutcome().getValue(),
                ruleset.revision(),
                ruleset.version(),
                verdict.getLocale(),
                requestJson,
                verdictJson);
        Idempotency.Stored stored =
                store.create(AssessmentStore.NewAssessment.of(record, request, verdict), idempotencyKey);
        AssessmentRecord answered = stored.replayed() ? store.find(stored.id()).orElseThrow() : record;
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .path("/{id}")
                .buildAndExpand(answered.id())
                .toUri();
        ResponseEntity.BodyBuilder response = preference.mark(ResponseEntity.created(location));
        if (stored.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        if (preference == ReturnPreference.MINIMAL) {
            return stored.replayed()
                    ? response.body(summary(
                            answered,
                            StoredVerdicts.fromJson(answered.verdictJson()),
                            json.readValue(answered.requestJson(), AssessmentRequest.class)))
                    : response.body(summary(record, verdict, request));
        }
        Assessment body = verdict;
        if (stored.replayed()) {
            body = view(answered, acceptLanguage);
        } else {
            body.getRuleset().available(true);
        }
        return response.header(HttpHeaders.CONTENT_LANGUAGE, body.getLocale()).body(body);
    }

    /** The organization a request names, if it names one (the engine refuses a request that does not). */
    static String organizationId(AssessmentRequest request) {
        return request.getOrganization() == null
                ? null
                : request.getOrganization().getId();
    }

    /**
     * A stored assessment in brief, as a listing shows it, with its counts: what a POST with
     * {@code Prefer: return=minimal} answers; a replay is answered from what was stored then.
     */
    private static AssessmentSummary summary(AssessmentRecord record, Assessment verdict, AssessmentRequest request) {
        List<String> productIds = new ArrayList<>();
        request.getProducts().forEach(p -> {
            if (p.getId() != null) {
                productIds.add(p.getId());
            }
        });
        return new AssessmentSummary()
                .id(record.id())
                .createdAt(record.createdAt().atOffset(ZoneOffset.UTC))
                .caller(record.caller())
                .organizationId(record.organizationId())
                .productIds(productIds)
                .overallOutcome(OverallOutcome.fromValue(record.overallOutcome()))
                .failedRecommendationIds(FailedRecommendations.of(verdict.getResults()))
                .counts(verdict.getCounts())
                .ruleset(new RulesetRef().revision(record.rulesetRevision()).version(record.rulesetVersion()));
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
        Assessment verdict = view(visible(id), acceptLanguage);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_LANGUAGE, verdict.getLocale())
                .body(verdict);
    }

    /** The JC-STAR ★1 checklist of each product of a stored assessment: see {@link AssessmentViews#jcStar}. */
    @Override
    public ResponseEntity<JcStarChecklist> getAssessmentJcStarChecklist(UUID id, String acceptLanguage) {
        AssessmentRecord record = visible(id);
        JcStarChecklist checklist =
                views.jcStar(record, Locales.resolve(acceptLanguage != null ? acceptLanguage : record.locale()));
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_LANGUAGE, checklist.getLocale())
                .body(checklist);
    }

    /** A stored assessment the caller may see; any other is "not found", so that existence does not leak. */
    private AssessmentRecord visible(UUID id) {
        Caller caller = Caller.current();
        return store.find(id)
                .filter(r -> caller.maySee(r.caller()))
                .orElseThrow(() -> new NotFoundException("assessment", id));
    }

    /** A stored verdict as the API shows it, in the language asked for or the one it was made in. */
    private Assessment view(AssessmentRecord record, String acceptLanguage) {
        return views.view(record, Locales.resolve(acceptLanguage != null ? acceptLanguage : record.locale()));
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
        Caller caller = Caller.current();
        AssessmentStore.Filter filter = new AssessmentStore.Filter(
                caller.readsEverything() ? null : caller.id(),
                organizationId,
                productId,
                outcome,
                failedRecommendation,
                rulesetRevision,
                createdFrom,
                createdTo);
        Page<AssessmentSummary> page = store.list(filter, limit == null ? 50 : limit, cursor);
        return ResponseEntity.ok(
                new AssessmentList().items(new ArrayList<>(page.items())).nextCursor(page.nextCursor()));
    }

    /**
     * Evaluates the stored request again under the revision that decided it, as of the stored
     * verdict's time, in its language, with the waivers as they stood at that time (approved by
     * then, not revoked by then, in force then), and compares field for field. Nothing is stored.
     * A history that has not changed since re-evaluates identical: a waiver approved or revoked
     * afterwards changes nothing.
     */
    @Override
    public ResponseEntity<Reevaluation> reevaluateAssessment(UUID id) {
        AssessmentRecord record = visible(id);
        Ruleset ruleset;
        try {
            ruleset = active.compiled(record.rulesetRevision())
                    .orElseThrow(() -> ApiProblem.conflict(
                            "ruleset-unavailable",
                            "The ruleset that decided is no longer available",
                            "The rules of revision " + record.rulesetRevision()
                                    + " are no longer held by the service; the stored verdict stands as "
                                    + "recorded but cannot be recomputed."));
        } catch (ActiveRuleset.StillCompiling e) {
            throw ApiProblem.busy(
                    "The rules of revision " + e.revision() + " are being compiled again to recompute this verdict; "
                            + "retry shortly.",
                    5);
        }
        JsonNode stored = json.readTree(record.verdictJson());
        Assessment original = json.treeToValue(stored, Assessment.class);
        // As of the instant the verdict was evaluated as of (its createdAt before asOf existed):
        // the effective dates and the waivers are judged as they were then.
        Instant created = original.getCreatedAt().toInstant();
        Instant asOf = original.getAsOf() != null ? original.getAsOf().toInstant() : created;
        AssessmentRequest request = json.readValue(record.requestJson(), AssessmentRequest.class);
        Assessment again = Evaluations.assess(
                        ruleset.withClock(Clock.fixed(created, ZoneOffset.UTC)),
                        request,
                        waivers.approved(record.organizationId(), asOf),
                        asOf,
                        Locales.resolve(record.locale()),
                        "GET /v1/assessments/" + record.id() + "/reevaluation")
                .orThrow()
                .id(record.id());
        if (original.getAsOf() == null) {
            again.asOf(null); // stored before verdicts recorded it: as of createdAt, which they show
        }
        List<String> differences = JsonDifferences.between(decided(original), decided(again));
        again.getRuleset().available(true);
        return ResponseEntity.ok(new Reevaluation()
                .assessmentId(record.id())
                .revision(record.rulesetRevision())
                .evaluatedAsOf(asOf.atOffset(ZoneOffset.UTC))
                .identical(differences.isEmpty())
                .differences(differences)
                .verdict(again));
    }

    /**
     * What a verdict decided, in its stored form, without the label of where its rules were loaded
     * from: the revision identifies the rules, so the same revision served built in or from a rules
     * directory decides the same verdict.
     */
    private JsonNode decided(Assessment verdict) {
        JsonNode tree = json.readTree(StoredVerdicts.toJson(verdict));
        if (tree.get("ruleset") instanceof ObjectNode ruleset) {
            ruleset.remove("source");
        }
        return tree;
    }
}
