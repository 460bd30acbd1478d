package io.kakunin.service.sharing;

import io.kakunin.api.SharingReviewsApi;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.api.model.SharingDecision;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewList;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.api.model.SharingReviewSummary;
import io.kakunin.api.model.TlpLevel;
import io.kakunin.kb.InvalidFactsException;
import io.kakunin.kb.Json;
import io.kakunin.kb.Locales;
import io.kakunin.kb.Ruleset;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.security.Caller;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.EvaluationFailures;
import io.kakunin.service.web.FreeFormLimits;
import io.kakunin.service.web.Idempotency;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.Listing;
import io.kakunin.service.web.NotFoundException;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import tools.jackson.databind.json.JsonMapper;

/**
 * Sharing reviews: review, store, return; fetch again later. What is stored has the victim
 * profile removed and everything it matched masked; a 201 means the record is committed.
 */
@RestController
class SharingReviewsController implements SharingReviewsApi {

    static final String OPERATION = "createSharingReview";

    private final ActiveRuleset active;
    private final SharingReviewRecords records;
    private final JdbcAggregateTemplate jdbc;
    private final NamedParameterJdbcTemplate sql;
    private final Idempotency idempotency;
    private final JsonMapper json;
    private final Clock clock;
    private final int maxArrayItems;

    SharingReviewsController(ActiveRuleset active, SharingReviewRecords records, JdbcAggregateTemplate jdbc, NamedParameterJdbcTemplate sql,
                             Idempotency idempotency, JsonMapper json, Clock clock, KakuninProperties properties) {
        this.active = active;
        this.records = records;
        this.jdbc = jdbc;
        this.sql = sql;
        this.idempotency = idempotency;
        this.json = json;
        this.clock = clock;
        this.maxArrayItems = properties.limits().maxArrayItems();
    }

    @Override
    public ResponseEntity<SharingReview> createSharingReview(SharingReviewRequest request, String idempotencyKey, String acceptLanguage) {
        Caller caller = Caller.current();
        FreeFormLimits.check(request.getStix(), "/stix", maxArrayItems);
        Locale locale = Locales.resolve(acceptLanguage);
        Ruleset ruleset = active.ruleset();
        SharingReview review = review(ruleset, request, locale).id(Ids.newId(clock));
        String inputDigest = digestWithoutProfile(request);
        String storedRequest = json.writeValueAsString(Ruleset.storableSharingRequest(request));
        String storedReview = json.writeValueAsString(Ruleset.storableSharingReview(request, review));
        // The victim profile is part of no stored value, digests included: a retry is matched on the rest.
        Idempotency.Stored stored = idempotency.store(caller.id(), OPERATION, idempotencyKey, inputDigest, review.getId(), () -> {
            jdbc.insert(new SharingReviewRecord(review.getId(), review.getCreatedAt().toInstant(), caller.id(),
                    request.getSharer().getId(), review.getDecision().getValue(), review.getOverallOutcome().getValue(),
                    review.getTlp().getLevel().getValue(), review.getInput().getKind(), inputDigest, request.getVictimProfile() != null,
                    ruleset.revision(), ruleset.version(), review.getLocale(), storedRequest, storedReview));
            sql.batchUpdate("INSERT INTO sharing_review_failure (sharing_review_id, recommendation_id) VALUES (:id, :recommendation)",
                    failed(review).stream().map(r -> new MapSqlParameterSource().addValue("id", review.getId()).addValue("recommendation", r))
                            .toArray(MapSqlParameterSource[]::new));
        });
        SharingReview body = review;
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

    /** The review of the ruleset; a rule that throws at run time is answered 500 {@code evaluation-failed}, before anything is stored. */
    private static SharingReview review(Ruleset ruleset, SharingReviewRequest request, Locale locale) {
        try {
            return ruleset.review(request, locale);
        } catch (InvalidFactsException | ApiProblem e) {
            throw e;
        } catch (RuntimeException e) {
            throw EvaluationFailures.of(ruleset, e, "POST /v1/sharing-reviews").problem();
        }
    }

    private static Set<String> failed(SharingReview review) {
        Set<String> failed = new LinkedHashSet<>();
        review.getResults().stream().filter(r -> r.getOutcome() == Outcome.FAIL).forEach(r -> failed.add(r.getRecommendationId()));
        return failed;
    }

    @Override
    public ResponseEntity<SharingReview> getSharingReview(UUID id, String acceptLanguage) {
        Caller caller = Caller.current();
        SharingReviewRecord record = records.findById(id).filter(r -> caller.maySee(r.caller()))
                .orElseThrow(() -> new NotFoundException("sharing review", id));
        SharingReview review = view(record, acceptLanguage);
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_LANGUAGE, review.getLocale()).body(review);
    }

    private SharingReview view(SharingReviewRecord record, String acceptLanguage) {
        SharingReview review = json.readValue(record.reviewJson(), SharingReview.class);
        Locale wanted = Locales.resolve(acceptLanguage);
        if (acceptLanguage != null && !Locales.tag(wanted).equals(review.getLocale())) {
            active.byRevision(record.rulesetRevision()).ifPresent(ruleset -> ruleset.localize(review, wanted));
        }
        review.getRuleset().available(active.isAvailable(record.rulesetRevision()));
        return review;
    }

    @Override
    public ResponseEntity<SharingReviewList> listSharingReviews(String organizationId, OverallOutcome outcome, SharingDecision decision,
                                                                String failedRecommendation, String rulesetRevision,
                                                                OffsetDateTime createdFrom, OffsetDateTime createdTo, Integer limit,
                                                                String cursor) {
        Caller caller = Caller.current();
        int pageSize = limit == null ? 50 : limit;
        Listing listing = new Listing()
                .where("r.caller = :caller", "caller", caller.readsEverything() ? null : caller.id())
                .where("r.organization_id = :organization", "organization", organizationId)
                .where("r.overall_outcome = :outcome", "outcome", outcome == null ? null : outcome.getValue())
                .where("r.decision = :decision", "decision", decision == null ? null : decision.getValue())
                .where("r.ruleset_revision = :revision", "revision", rulesetRevision)
                .where("r.created_at >= :from", "from", createdFrom)
                .where("r.created_at < :to", "to", createdTo)
                .where("EXISTS (SELECT 1 FROM sharing_review_failure f WHERE f.sharing_review_id = r.id AND f.recommendation_id = :failed)",
                        "failed", failedRecommendation)
                .after("r.id", cursor);
        List<SharingReviewSummary> rows = sql.query(listing.sql("SELECT r.id, r.created_at, r.caller, r.organization_id, r.decision, "
                + "r.overall_outcome, r.tlp, r.ruleset_revision, r.ruleset_version FROM sharing_review r", "r.id", pageSize),
                listing.parameters(), (rs, n) -> new SharingReviewSummary()
                        .id(rs.getObject("id", UUID.class))
                        .createdAt(rs.getObject("created_at", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC))
                        .caller(rs.getString("caller"))
                        .organizationId(rs.getString("organization_id"))
                        .decision(SharingDecision.fromValue(rs.getString("decision")))
                        .overallOutcome(OverallOutcome.fromValue(rs.getString("overall_outcome")))
                        .tlp(TlpLevel.fromValue(rs.getString("tlp")))
                        .ruleset(new RulesetRef().revision(rs.getString("ruleset_revision")).version(rs.getString("ruleset_version")))
                        .failedRecommendationIds(new ArrayList<>()));
        Listing.Page<SharingReviewSummary> page = Listing.page(rows, pageSize, SharingReviewSummary::getId);
        if (!page.items().isEmpty()) {
            Map<UUID, SharingReviewSummary> byId = new LinkedHashMap<>();
            page.items().forEach(s -> byId.put(s.getId(), s));
            sql.query("SELECT sharing_review_id, recommendation_id FROM sharing_review_failure WHERE sharing_review_id IN (:ids) "
                    + "ORDER BY sharing_review_id, recommendation_id", new MapSqlParameterSource("ids", byId.keySet()), rs -> {
                        byId.get(rs.getObject(1, UUID.class)).getFailedRecommendationIds().add(rs.getString(2));
                    });
        }
        return ResponseEntity.ok(new SharingReviewList().items(new ArrayList<>(page.items())).nextCursor(page.nextCursor()));
    }

    /** SHA-256 of the request as submitted, without the victim profile (canonical JSON of the model). */
    private static String digestWithoutProfile(SharingReviewRequest request) {
        tools.jackson.databind.node.ObjectNode tree = Json.mapper().valueToTree(request);
        tree.remove("victimProfile");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Json.mapper().writeValueAsBytes(tree));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
