package io.kakunin.service.assessments;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentList;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.AssessmentSummary;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Reevaluation;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.api.model.Waiver;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.StoredVerdicts;
import io.kakunin.kb.ruleset.Locales;
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
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Product-security assessments as every front door uses them (the API's controller, the console's
 * pages): evaluate and store, fetch in a language, list, re-evaluate. A verdict is committed to the
 * store before it is returned, so a created verdict is always kept. What the caller may see is
 * decided here ({@link Caller#maySee}), once: another caller's assessment is "not found", so that
 * its existence does not leak.
 */
@Service
public class Assessments {

    private final ActiveRuleset active;
    private final AssessmentStore store;
    private final AssessmentViews views;
    private final WaiverStore waivers;
    private final StoreFailures failures;
    private final JsonMapper json;
    private final Clock clock;

    Assessments(
            ActiveRuleset active,
            AssessmentStore store,
            AssessmentViews views,
            WaiverStore waivers,
            StoreFailures failures,
            JsonMapper json,
            Clock clock) {
        this.active = active;
        this.store = store;
        this.views = views;
        this.waivers = waivers;
        this.failures = failures;
        this.json = json;
        this.clock = clock;
    }

    /**
     * What a creation answered: the verdict (rendered in the caller's language, or without texts
     * when {@code rendered} is false), its summary as a listing shows it, and whether an earlier
     * request with the same idempotency key was replayed (then both are what was stored then).
     */
    public record Created(UUID id, Assessment verdict, AssessmentSummary summary, boolean replayed) {}

    /**
     * Evaluates a request by the active ruleset, as of {@code asOf} (null: now, and the verdict
     * records it), with the waivers of its organization approved by then, and stores request and
     * verdict together.
     *
     * @param acceptLanguage the caller's languages (null: English); a replay is shown in the stored one
     * @param operation what the evaluation is reported as, should the engine fail ("POST /v1/assessments")
     */
    public Created create(
            AssessmentRequest request,
            String idempotencyKey,
            String acceptLanguage,
            Instant asOf,
            boolean rendered,
            String operation) {
        Caller caller = Caller.current();
        Locale locale = Locales.resolve(acceptLanguage);
        Instant now = clock.instant();
        Ruleset ruleset = active.ruleset();
        String requestJson = json.writeValueAsString(request);
        // Read before anything is written: a store that fails here is answered "nothing was stored".
        Instant waiversAsOf = asOf == null ? now : asOf;
        List<Waiver> approved = failures.beforeWrite(() -> waivers.approved(organizationId(request), waiversAsOf));
        // The summary shows no text: none is rendered for it (the stored form has none either).
        Assessment verdict = (rendered
                        ? Evaluations.assess(ruleset, request, approved, asOf, locale, operation)
                        : Evaluations.assessUnrendered(ruleset, request, approved, asOf, locale, operation))
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
        if (!stored.replayed()) {
            verdict.getRuleset().available(true);
            return new Created(record.id(), verdict, summary(record, verdict, request), false);
        }
        AssessmentRecord answered = store.find(stored.id()).orElseThrow();
        AssessmentRequest answeredRequest = json.readValue(answered.requestJson(), AssessmentRequest.class);
        Assessment storedVerdict = StoredVerdicts.fromJson(answered.verdictJson());
        return new Created(
                answered.id(),
                rendered ? view(answered, acceptLanguage) : storedVerdict,
                summary(answered, storedVerdict, answeredRequest),
                true);
    }

    /** The organization a request names, if it names one (the engine refuses a request that does not). */
    static String organizationId(AssessmentRequest request) {
        return request.getOrganization() == null
                ? null
                : request.getOrganization().getId();
    }

    /** A stored assessment in brief, as a listing shows it, with its counts. */
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

    /** A stored verdict as the API shows it, in the language asked for (null: the one it was made in). */
    public Assessment find(UUID id, String acceptLanguage) {
        return view(visible(id), acceptLanguage);
    }

    private Assessment view(AssessmentRecord record, String acceptLanguage) {
        return views.view(record, Locales.resolve(acceptLanguage != null ? acceptLanguage : record.locale()));
    }

    /** The request a stored verdict decided, as it was submitted: what a follow-up starts from. */
    public AssessmentRequest request(UUID id) {
        return json.readValue(visible(id).requestJson(), AssessmentRequest.class);
    }

    /** The JC-STAR ★1 checklist of each product of a stored assessment: see {@link AssessmentViews#jcStar}. */
    public JcStarChecklist jcStar(UUID id, String acceptLanguage) {
        AssessmentRecord record = visible(id);
        return views.jcStar(record, Locales.resolve(acceptLanguage != null ? acceptLanguage : record.locale()));
    }

    /** A stored assessment the caller may see; any other is "not found", so that existence does not leak. */
    private AssessmentRecord visible(UUID id) {
        Caller caller = Caller.current();
        return store.find(id)
                .filter(r -> caller.maySee(r.caller()))
                .orElseThrow(() -> new NotFoundException("assessment", id));
    }

    /** The listing filters, as the API's query parameters name them (null: any). */
    public record Filter(
            String organizationId,
            String productId,
            OverallOutcome outcome,
            String failedRecommendation,
            String rulesetRevision,
            OffsetDateTime createdFrom,
            OffsetDateTime createdTo) {}

    /** The assessments the caller may see (a submitter its own, an auditor all), newest first, a page at a time. */
    public AssessmentList list(Filter filter, Integer limit, String cursor) {
        Caller caller = Caller.current();
        AssessmentStore.Filter stored = new AssessmentStore.Filter(
                caller.readsEverything() ? null : caller.id(),
                filter.organizationId(),
                filter.productId(),
                filter.outcome(),
                filter.failedRecommendation(),
                filter.rulesetRevision(),
                filter.createdFrom(),
                filter.createdTo());
        Page<AssessmentSummary> page = store.list(stored, limit == null ? 50 : limit, cursor);
        return new AssessmentList().items(new ArrayList<>(page.items())).nextCursor(page.nextCursor());
    }

    /**
     * Evaluates the stored request again under the revision that decided it, as of the stored
     * verdict's time, in its language, with the waivers as they stood at that time (approved by
     * then, not revoked by then, in force then), and compares field for field. Nothing is stored.
     * A history that has not changed since re-evaluates identical: a waiver approved or revoked
     * afterwards changes nothing.
     */
    public Reevaluation reevaluate(UUID id) {
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
        return new Reevaluation()
                .assessmentId(record.id())
                .revision(record.rulesetRevision())
                .evaluatedAsOf(asOf.atOffset(ZoneOffset.UTC))
                .identical(differences.isEmpty())
                .differences(differences)
                .verdict(again);
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
