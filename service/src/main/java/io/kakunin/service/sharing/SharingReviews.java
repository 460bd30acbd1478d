package io.kakunin.service.sharing;

import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Role;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.api.model.SharingDecision;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewList;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.api.model.SharingReviewSummary;
import io.kakunin.api.model.TlpLevel;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.evaluation.Evaluations;
import io.kakunin.service.evaluation.FailedRecommendations;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.security.Caller;
import io.kakunin.service.storage.Idempotency;
import io.kakunin.service.storage.Page;
import io.kakunin.service.web.FreeFormLimits;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.NotFoundException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sharing reviews as every front door uses them (the API's controller, the console's pages):
 * review and store, fetch in a language, list. What is stored has the victim profile removed and
 * everything it matched masked; a created review is committed before it is returned. What the
 * caller may see is decided here, once: another caller's review is "not found".
 */
@Service
public class SharingReviews {

    private final ActiveRuleset active;
    private final SharingReviewStore store;
    private final JsonMapper json;
    private final Clock clock;
    private final int maxArrayItems;

    SharingReviews(
            ActiveRuleset active,
            SharingReviewStore store,
            JsonMapper json,
            Clock clock,
            KakuninProperties properties) {
        this.active = active;
        this.store = store;
        this.json = json;
        this.clock = clock;
        this.maxArrayItems = properties.limits().maxArrayItems();
    }

    /**
     * What a review answered: the review (the one just made, or for a replayed idempotency key the
     * stored one, in the language asked for), and its summary as a listing shows it.
     */
    public record Created(UUID id, SharingReview review, SharingReviewSummary summary, boolean replayed) {}

    /**
     * Reviews a planned share by the active ruleset and stores it without the victim profile.
     *
     * @param acceptLanguage the caller's languages (null: English)
     * @param operation what the evaluation is reported as, should the engine fail
     */
    public Created create(
            SharingReviewRequest request, String idempotencyKey, String acceptLanguage, String operation) {
        Caller caller = Caller.current();
        FreeFormLimits.check(request.getStix(), "/stix", maxArrayItems);
        Locale locale = Locales.resolve(acceptLanguage);
        Ruleset ruleset = active.ruleset();
        SharingReview review = Evaluations.review(ruleset, request, locale, operation)
                .orThrow()
                .id(Ids.newId(clock));
        String inputDigest = digestWithoutProfile(request);
        String storedRequest = json.writeValueAsString(Ruleset.storableSharingRequest(request));
        String storedReview = json.writeValueAsString(Ruleset.storableSharingReview(request, review));
        // The victim profile is part of no stored value, digests included: a retry is matched on the rest.
        SharingReviewRecord record = new SharingReviewRecord(
                review.getId(),
                review.getCreatedAt().toInstant(),
                caller.id(),
                request.getSharer().getId(),
                review.getDecision().getValue(),
                review.getOverallOutcome().getValue(),
                review.getTlp().getLevel().getValue(),
                review.getInput().getKind(),
                inputDigest,
                request.getVictimProfile() != null,
                ruleset.revision(),
                ruleset.version(),
                review.getLocale(),
                storedRequest,
                storedReview);
        Idempotency.Stored stored = store.create(record, FailedRecommendations.of(review.getResults()), idempotencyKey);
        if (!stored.replayed()) {
            review.getRuleset().available(true);
            return new Created(record.id(), review, summary(record, review), false);
        }
        SharingReviewRecord answered = store.find(stored.id()).orElseThrow();
        return new Created(
                answered.id(),
                view(answered, acceptLanguage),
                summary(answered, json.readValue(answered.reviewJson(), SharingReview.class)),
                true);
    }

    /**
     * A stored review in brief, as a listing shows it, with its counts and how many redactions it
     * lists: what a POST with {@code Prefer: return=minimal} answers (nothing of the victim is in it).
     */
    private static SharingReviewSummary summary(SharingReviewRecord record, SharingReview review) {
        return new SharingReviewSummary()
                .id(record.id())
                .createdAt(record.createdAt().atOffset(ZoneOffset.UTC))
                .caller(record.caller())
                .organizationId(record.organizationId())
                .decision(SharingDecision.fromValue(record.decision()))
                .overallOutcome(OverallOutcome.fromValue(record.overallOutcome()))
                .tlp(TlpLevel.fromValue(record.tlp()))
                .failedRecommendationIds(FailedRecommendations.of(review.getResults()))
                .counts(review.getCounts())
                .redactionCount(
                        review.getRedactions() == null
                                ? 0
                                : review.getRedactions().size())
                .ruleset(new RulesetRef().revision(record.rulesetRevision()).version(record.rulesetVersion()));
    }

    /**
     * A stored review the caller may see, in the language asked for (null: the one it was made in);
     * an auditor also gets the digest of the request as submitted.
     */
    public SharingReview find(UUID id, String acceptLanguage) {
        Caller caller = Caller.current();
        SharingReviewRecord record = store.find(id)
                .filter(r -> caller.maySee(r.caller()))
                .orElseThrow(() -> new NotFoundException("sharing review", id));
        SharingReview review = view(record, acceptLanguage);
        if (caller.has(Role.AUDITOR)) {
            // What an auditor holding the original request checks it against; the stored request is masked.
            review.requestDigest(record.inputDigest());
        }
        return review;
    }

    private SharingReview view(SharingReviewRecord record, String acceptLanguage) {
        SharingReview review = json.readValue(record.reviewJson(), SharingReview.class);
        Locale wanted = Locales.resolve(acceptLanguage);
        if (acceptLanguage != null && !Locales.tag(wanted).equals(review.getLocale())) {
            active.texts(record.rulesetRevision()).ifPresent(texts -> texts.localize(review, wanted));
        }
        review.getRuleset().available(active.isAvailable(record.rulesetRevision()));
        return review;
    }

    /** The listing filters, as the API's query parameters name them (null: any). */
    public record Filter(
            String organizationId,
            OverallOutcome outcome,
            SharingDecision decision,
            String failedRecommendation,
            String rulesetRevision,
            OffsetDateTime createdFrom,
            OffsetDateTime createdTo) {}

    /** The reviews the caller may see (a submitter its own, an auditor all), newest first, a page at a time. */
    public SharingReviewList list(Filter filter, Integer limit, String cursor) {
        Caller caller = Caller.current();
        SharingReviewStore.Filter stored = new SharingReviewStore.Filter(
                caller.readsEverything() ? null : caller.id(),
                filter.organizationId(),
                filter.outcome(),
                filter.decision(),
                filter.failedRecommendation(),
                filter.rulesetRevision(),
                filter.createdFrom(),
                filter.createdTo());
        Page<SharingReviewSummary> page = store.list(stored, limit == null ? 50 : limit, cursor);
        return new SharingReviewList().items(new ArrayList<>(page.items())).nextCursor(page.nextCursor());
    }

    /**
     * SHA-256 of the request as submitted, without the victim profile: the request read into the
     * contract's model and written again as compact JSON, as {@link Json#mapper()} writes it (what
     * {@code requestDigest} promises auditors, who can compute it from the original the same way).
     */
    private static String digestWithoutProfile(SharingReviewRequest request) {
        tools.jackson.databind.node.ObjectNode tree = Json.mapper().valueToTree(request);
        tree.remove("victimProfile");
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(Json.mapper().writeValueAsBytes(tree));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
