package io.kakunin.service.sharing;

import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.api.model.SharingDecision;
import io.kakunin.api.model.SharingReviewSummary;
import io.kakunin.api.model.TlpLevel;
import io.kakunin.service.storage.Idempotency;
import io.kakunin.service.storage.Listing;
import io.kakunin.service.storage.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where sharing reviews are kept: every statement on {@code sharing_review} and on the failed
 * recommendations listings filter on ({@code sharing_review_failure}). Records are written once
 * and never changed, and hold nothing of the victim profile. Plain SQL with named parameters, as
 * every store of the service.
 */
@Component
class SharingReviewStore {

    /** The operation an Idempotency-Key of a sharing review is scoped to. */
    static final String OPERATION = "createSharingReview";

    private static final String COLUMNS =
            "id, created_at, caller, organization_id, decision, overall_outcome, tlp, input_kind, "
                    + "input_digest, victim_profile_provided, ruleset_revision, ruleset_version, locale, request_json, review_json";

    /** What a listing keeps; a null criterion keeps everything. */
    record Filter(
            String caller,
            String organizationId,
            OverallOutcome outcome,
            SharingDecision decision,
            String failedRecommendation,
            String rulesetRevision,
            OffsetDateTime createdFrom,
            OffsetDateTime createdTo) {}

    private final NamedParameterJdbcTemplate sql;
    private final Idempotency idempotency;

    SharingReviewStore(NamedParameterJdbcTemplate sql, Idempotency idempotency) {
        this.sql = sql;
        this.idempotency = idempotency;
    }

    /**
     * Stores a review with the recommendations it fails, once per Idempotency-Key (a retry is
     * matched on the digest of the input without the victim profile); returns once it is committed.
     */
    Idempotency.Stored create(SharingReviewRecord record, List<String> failed, String idempotencyKey) {
        return idempotency.store(
                record.caller(),
                OPERATION,
                idempotencyKey,
                record.inputDigest(),
                record.id(),
                () -> insert(record, failed));
    }

    private void insert(SharingReviewRecord r, List<String> failed) {
        sql.update(
                "INSERT INTO sharing_review (" + COLUMNS
                        + ") VALUES (:id, :createdAt, :caller, :organizationId, :decision, "
                        + ":overallOutcome, :tlp, :inputKind, :inputDigest, :victimProfileProvided, :rulesetRevision, :rulesetVersion, :locale, "
                        + ":requestJson, :reviewJson)",
                new MapSqlParameterSource()
                        .addValue("id", r.id())
                        .addValue("createdAt", r.createdAt().atOffset(ZoneOffset.UTC))
                        .addValue("caller", r.caller())
                        .addValue("organizationId", r.organizationId())
                        .addValue("decision", r.decision())
                        .addValue("overallOutcome", r.overallOutcome())
                        .addValue("tlp", r.tlp())
                        .addValue("inputKind", r.inputKind())
                        .addValue("inputDigest", r.inputDigest())
                        .addValue("victimProfileProvided", r.victimProfileProvided())
                        .addValue("rulesetRevision", r.rulesetRevision())
                        .addValue("rulesetVersion", r.rulesetVersion())
                        .addValue("locale", r.locale())
                        .addValue("requestJson", r.requestJson())
                        .addValue("reviewJson", r.reviewJson()));
        if (!failed.isEmpty()) {
            sql.batchUpdate(
                    "INSERT INTO sharing_review_failure (sharing_review_id, recommendation_id) VALUES (:id, :recommendation)",
                    failed.stream()
                            .map(f -> new MapSqlParameterSource("id", r.id()).addValue("recommendation", f))
                            .toArray(MapSqlParameterSource[]::new));
        }
    }

    Optional<SharingReviewRecord> find(UUID id) {
        return sql
                .query(
                        "SELECT " + COLUMNS + " FROM sharing_review WHERE id = :id",
                        new MapSqlParameterSource("id", id),
                        SharingReviewStore::record)
                .stream()
                .findFirst();
    }

    private static SharingReviewRecord record(ResultSet rs, int row) throws SQLException {
        return new SharingReviewRecord(
                rs.getObject("id", UUID.class),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("caller"),
                rs.getString("organization_id"),
                rs.getString("decision"),
                rs.getString("overall_outcome"),
                rs.getString("tlp"),
                rs.getString("input_kind"),
                rs.getString("input_digest"),
                rs.getBoolean("victim_profile_provided"),
                rs.getString("ruleset_revision"),
                rs.getString("ruleset_version"),
                rs.getString("locale"),
                rs.getString("request_json"),
                rs.getString("review_json"));
    }

    /** A page of summaries, newest first, after the position {@code cursor} names (from the start when null). */
    Page<SharingReviewSummary> list(Filter filter, int limit, String cursor) {
        Listing listing = new Listing()
                .where("r.caller = :caller", "caller", filter.caller())
                .where("r.organization_id = :organization", "organization", filter.organizationId())
                .where(
                        "r.overall_outcome = :outcome",
                        "outcome",
                        filter.outcome() == null ? null : filter.outcome().getValue())
                .where(
                        "r.decision = :decision",
                        "decision",
                        filter.decision() == null ? null : filter.decision().getValue())
                .where("r.ruleset_revision = :revision", "revision", filter.rulesetRevision())
                .where("r.created_at >= :from", "from", filter.createdFrom())
                .where("r.created_at < :to", "to", filter.createdTo())
                .where(
                        "EXISTS (SELECT 1 FROM sharing_review_failure f WHERE f.sharing_review_id = r.id AND f.recommendation_id = :failed)",
                        "failed",
                        filter.failedRecommendation())
                .after("r.id", cursor);
        List<SharingReviewSummary> rows = sql.query(
                listing.sql(
                        "SELECT r.id, r.created_at, r.caller, r.organization_id, r.decision, "
                                + "r.overall_outcome, r.tlp, r.ruleset_revision, r.ruleset_version FROM sharing_review r",
                        "r.id",
                        limit),
                listing.parameters(),
                (rs, n) -> new SharingReviewSummary()
                        .id(rs.getObject("id", UUID.class))
                        .createdAt(
                                rs.getObject("created_at", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC))
                        .caller(rs.getString("caller"))
                        .organizationId(rs.getString("organization_id"))
                        .decision(SharingDecision.fromValue(rs.getString("decision")))
                        .overallOutcome(OverallOutcome.fromValue(rs.getString("overall_outcome")))
                        .tlp(TlpLevel.fromValue(rs.getString("tlp")))
                        .ruleset(new RulesetRef()
                                .revision(rs.getString("ruleset_revision"))
                                .version(rs.getString("ruleset_version")))
                        .failedRecommendationIds(new ArrayList<>()));
        Page<SharingReviewSummary> page = Listing.page(rows, limit, SharingReviewSummary::getId);
        if (!page.items().isEmpty()) {
            Map<UUID, SharingReviewSummary> byId = new LinkedHashMap<>();
            page.items().forEach(s -> byId.put(s.getId(), s));
            sql.query(
                    "SELECT sharing_review_id, recommendation_id FROM sharing_review_failure WHERE sharing_review_id IN (:ids) "
                            + "ORDER BY sharing_review_id, recommendation_id",
                    new MapSqlParameterSource("ids", byId.keySet()),
                    rs -> {
                        byId.get(rs.getObject(1, UUID.class))
                                .getFailedRecommendationIds()
                                .add(rs.getString(2));
                    });
        }
        return page;
    }
}
