package io.kakunin.service.assessments;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.AssessmentSummary;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.service.evaluation.FailedRecommendations;
import io.kakunin.service.storage.BulkInsert;
import io.kakunin.service.storage.Idempotency;
import io.kakunin.service.storage.Listing;
import io.kakunin.service.storage.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where assessments are kept: every statement on {@code assessment} and on the rows listings
 * filter on ({@code assessment_product}, {@code assessment_failure}). Records are written once and
 * never changed. Plain SQL with named parameters, as every store of the service: listings are
 * built from the filters given and records are written many rows at once (a COPY on PostgreSQL,
 * see {@link BulkInsert}), which a repository would hide or not do.
 */
@Component
class AssessmentStore {

    /** The operation an Idempotency-Key of a single assessment is scoped to. */
    static final String OPERATION = "createAssessment";

    private static final List<String> COLUMN_LIST = List.of(
            "id",
            "created_at",
            "caller",
            "organization_id",
            "overall_outcome",
            "ruleset_revision",
            "ruleset_version",
            "locale",
            "request_json",
            "verdict_json");
    private static final String COLUMNS = String.join(", ", COLUMN_LIST);

    /** An assessment to store: its record and what listings filter on. */
    record NewAssessment(AssessmentRecord record, List<String> productIds, List<String> failed) {

        static NewAssessment of(AssessmentRecord record, AssessmentRequest request, Assessment verdict) {
            List<String> products = new ArrayList<>(request.getProducts().size());
            for (var product : request.getProducts()) {
                products.add(product.getId());
            }
            return new NewAssessment(record, products, FailedRecommendations.of(verdict.getResults()));
        }
    }

    /** What a listing keeps; a null criterion keeps everything. */
    record Filter(
            String caller,
            String organizationId,
            String productId,
            OverallOutcome outcome,
            String failedRecommendation,
            String rulesetRevision,
            OffsetDateTime createdFrom,
            OffsetDateTime createdTo) {}

    private final NamedParameterJdbcTemplate sql;
    private final Idempotency idempotency;
    private final BulkInsert bulk;

    AssessmentStore(NamedParameterJdbcTemplate sql, Idempotency idempotency, BulkInsert bulk) {
        this.sql = sql;
        this.idempotency = idempotency;
        this.bulk = bulk;
    }

    /**
     * Stores a single request's assessment, once per Idempotency-Key (see {@link Idempotency});
     * returns once it is committed.
     *
     * @param idempotencyKey the request's key, or null
     */
    Idempotency.Stored create(NewAssessment assessment, String idempotencyKey) {
        AssessmentRecord r = assessment.record();
        return idempotency.store(
                r.caller(), OPERATION, idempotencyKey, r.requestJson(), r.id(), () -> insert(List.of(assessment)));
    }

    /**
     * Stores assessments of one caller together in a transaction of their own (a chunk of a
     * batch), each once per idempotency key (see {@link Idempotency#storeAll}); returns once they
     * are committed, with one result per assessment.
     *
     * @param keys each assessment's key, or null for none
     */
    List<Idempotency.Result> createAll(List<NewAssessment> assessments, List<String> keys) {
        if (assessments.isEmpty()) {
            return List.of();
        }
        List<Idempotency.Item> items = new ArrayList<>(assessments.size());
        for (int i = 0; i < assessments.size(); i++) {
            AssessmentRecord r = assessments.get(i).record();
            items.add(new Idempotency.Item(keys.get(i), r.requestJson(), r.id()));
        }
        return idempotency.storeAll(
                assessments.get(0).record().caller(),
                OPERATION,
                items,
                chosen -> insert(chosen.stream().map(assessments::get).toList()));
    }

    /** Writes assessments many rows at once ({@link BulkInsert}), in the caller's transaction. */
    void insert(List<NewAssessment> assessments) {
        List<Object[]> rows = new ArrayList<>(assessments.size());
        List<Object[]> products = new ArrayList<>();
        List<Object[]> failures = new ArrayList<>();
        for (NewAssessment a : assessments) {
            AssessmentRecord r = a.record();
            rows.add(new Object[] {
                r.id(),
                r.createdAt(),
                r.caller(),
                r.organizationId(),
                r.overallOutcome(),
                r.rulesetRevision(),
                r.rulesetVersion(),
                r.locale(),
                r.requestJson(),
                r.verdictJson()
            });
            for (int i = 0; i < a.productIds().size(); i++) {
                if (a.productIds().get(i) != null) {
                    products.add(new Object[] {r.id(), i, a.productIds().get(i)});
                }
            }
            for (String recommendation : a.failed()) {
                failures.add(new Object[] {r.id(), recommendation});
            }
        }
        bulk.insert("assessment", COLUMN_LIST, rows);
        bulk.insert("assessment_product", List.of("assessment_id", "product_index", "product_id"), products);
        bulk.insert("assessment_failure", List.of("assessment_id", "recommendation_id"), failures);
    }

    Optional<AssessmentRecord> find(UUID id) {
        return sql
                .query(
                        "SELECT " + COLUMNS + " FROM assessment WHERE id = :id",
                        new MapSqlParameterSource("id", id),
                        AssessmentStore::record)
                .stream()
                .findFirst();
    }

    private static AssessmentRecord record(ResultSet rs, int row) throws SQLException {
        return new AssessmentRecord(
                rs.getObject("id", UUID.class),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("caller"),
                rs.getString("organization_id"),
                rs.getString("overall_outcome"),
                rs.getString("ruleset_revision"),
                rs.getString("ruleset_version"),
                rs.getString("locale"),
                rs.getString("request_json"),
                rs.getString("verdict_json"));
    }

    /** A page of summaries, newest first, after the position {@code cursor} names (from the start when null). */
    Page<AssessmentSummary> list(Filter filter, int limit, String cursor) {
        Listing listing = listing(filter).after("a.id", cursor);
        List<AssessmentSummary> rows = sql.query(
                listing.sql(
                        "SELECT a.id, a.created_at, a.caller, a.organization_id, a.overall_outcome, "
                                + "a.ruleset_revision, a.ruleset_version FROM assessment a",
                        "a.id",
                        limit),
                listing.parameters(),
                (rs, n) -> new AssessmentSummary()
                        .id(rs.getObject("id", UUID.class))
                        .createdAt(
                                rs.getObject("created_at", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC))
                        .caller(rs.getString("caller"))
                        .organizationId(rs.getString("organization_id"))
                        .overallOutcome(OverallOutcome.fromValue(rs.getString("overall_outcome")))
                        .ruleset(new RulesetRef()
                                .revision(rs.getString("ruleset_revision"))
                                .version(rs.getString("ruleset_version")))
                        .productIds(new ArrayList<>())
                        .failedRecommendationIds(new ArrayList<>()));
        return withProductsAndFailures(Listing.page(rows, limit, AssessmentSummary::getId));
    }

    /**
     * A page of whole records (the stored request and verdict), newest first, selected as a listing
     * selects: for a replay that holds one page at a time however many records there are. It walks
     * by (created_at, id), the order of the index {@code assessment_created_id}, so a page of a
     * time window is one index range, however many records the window holds; its cursor is its
     * own ({@link #replayCursor}), given and read by this method only.
     */
    Page<AssessmentRecord> records(Filter filter, int limit, String cursor) {
        Listing listing = listing(filter);
        if (cursor != null) {
            ReplayPosition after = ReplayPosition.parse(cursor);
            listing.where(
                    "(a.created_at < :afterCreated OR (a.created_at = :afterCreated AND a.id < :afterId))",
                    "afterCreated",
                    after.createdAt());
            listing.parameters().addValue("afterId", after.id());
        }
        listing.parameters().addValue("limitPlusOne", limit + 1);
        List<AssessmentRecord> rows = sql.query(
                listing.count("SELECT "
                                + COLUMN_LIST.stream().map(c -> "a." + c).collect(Collectors.joining(", "))
                                + " FROM assessment a")
                        + " ORDER BY a.created_at DESC, a.id DESC FETCH FIRST :limitPlusOne ROWS ONLY",
                listing.parameters(),
                AssessmentStore::record);
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<AssessmentRecord> page = rows.subList(0, limit);
        AssessmentRecord last = page.get(limit - 1);
        return new Page<>(page, replayCursor(last));
    }

    /** Where a replay stopped: the creation time and id of the last record it read. */
    private record ReplayPosition(OffsetDateTime createdAt, UUID id) {

        static ReplayPosition parse(String cursor) {
            int bar = cursor.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException("not a replay position: " + cursor);
            }
            return new ReplayPosition(
                    OffsetDateTime.ofInstant(Instant.parse(cursor.substring(0, bar)), ZoneOffset.UTC),
                    UUID.fromString(cursor.substring(bar + 1)));
        }
    }

    private static String replayCursor(AssessmentRecord last) {
        return last.createdAt() + "|" + last.id();
    }

    /** How many records a listing with this filter has in all. */
    long count(Filter filter) {
        Listing listing = listing(filter);
        Long count = sql.queryForObject(
                listing.count("SELECT COUNT(*) FROM assessment a"), listing.parameters(), Long.class);
        return count == null ? 0 : count;
    }

    private static Listing listing(Filter filter) {
        return new Listing()
                .where("a.caller = :caller", "caller", filter.caller())
                .where("a.organization_id = :organization", "organization", filter.organizationId())
                .where(
                        "a.overall_outcome = :outcome",
                        "outcome",
                        filter.outcome() == null ? null : filter.outcome().getValue())
                .where("a.ruleset_revision = :revision", "revision", filter.rulesetRevision())
                .where("a.created_at >= :from", "from", filter.createdFrom())
                .where("a.created_at < :to", "to", filter.createdTo())
                .where(
                        "EXISTS (SELECT 1 FROM assessment_product p WHERE p.assessment_id = a.id AND p.product_id = :product)",
                        "product",
                        filter.productId())
                .where(
                        "EXISTS (SELECT 1 FROM assessment_failure f WHERE f.assessment_id = a.id AND f.recommendation_id = :failed)",
                        "failed",
                        filter.failedRecommendation());
    }

    private Page<AssessmentSummary> withProductsAndFailures(Page<AssessmentSummary> page) {
        if (!page.items().isEmpty()) {
            Map<UUID, AssessmentSummary> byId = new LinkedHashMap<>();
            page.items().forEach(s -> byId.put(s.getId(), s));
            MapSqlParameterSource ids = new MapSqlParameterSource("ids", byId.keySet());
            sql.query(
                    "SELECT assessment_id, product_id FROM assessment_product WHERE assessment_id IN (:ids) "
                            + "ORDER BY assessment_id, product_index",
                    ids,
                    rs -> {
                        byId.get(rs.getObject(1, UUID.class)).getProductIds().add(rs.getString(2));
                    });
            sql.query(
                    "SELECT assessment_id, recommendation_id FROM assessment_failure WHERE assessment_id IN (:ids) "
                            + "ORDER BY assessment_id, recommendation_id",
                    ids,
                    rs -> {
                        byId.get(rs.getObject(1, UUID.class))
                                .getFailedRecommendationIds()
                                .add(rs.getString(2));
                    });
        }
        return page;
    }
}
