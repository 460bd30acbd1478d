package io.kakunin.service.waivers;

import io.kakunin.api.model.Waiver;
import io.kakunin.api.model.WaiverEvent;
import io.kakunin.api.model.WaiverEventType;
import io.kakunin.api.model.WaiverStatus;
import io.kakunin.service.storage.Listing;
import io.kakunin.service.storage.Page;
import io.kakunin.service.storage.Transactions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where waivers are kept: every statement on {@code waiver} and {@code waiver_event}. A waiver's
 * request is written once and never changed; approval and revocation are rows of their own, so
 * that its whole history can be read back, and a verdict re-evaluated as of any past instant sees
 * the waivers as they stood then. The two-person rule is kept here, with the data: the credentials
 * that asked for a waiver cannot approve it, whatever path the approval comes by.
 */
@Component
public class WaiverStore {

    private static final String COLUMNS = "w.id, w.requested_at, w.requested_by, w.organization_id, w.product_id, "
            + "w.recommendation_id, w.measure, w.justification, w.evidence, w.starts_at, w.expires_at, "
            + "w.expires_on, w.time_zone";

    /** What became of an approval or a revocation. */
    enum Change {
        /** Recorded. */
        DONE,
        /** No such waiver. */
        NOT_FOUND,
        /** Approved (or revoked) already: nothing was recorded. */
        ALREADY,
        /** Revoked: it can no longer be approved. */
        REVOKED,
        /** The approver is the requester (two-person rule): nothing was recorded. */
        OWN_REQUEST
    }

    /** What a listing keeps; a null criterion keeps everything. {@code status} is judged as of the listing's instant. */
    record Filter(
            String requestedBy,
            String organizationId,
            String productId,
            String recommendationId,
            String measure,
            WaiverStatus status) {

        Filter(String requestedBy, String organizationId, String productId, String recommendationId, String measure) {
            this(requestedBy, organizationId, productId, recommendationId, measure, null);
        }
    }

    private static final String APPROVED =
            "EXISTS (SELECT 1 FROM waiver_event e WHERE e.waiver_id = w.id " + "AND e.event_type = 'APPROVED')";
    private static final String REVOKED =
            "EXISTS (SELECT 1 FROM waiver_event e WHERE e.waiver_id = w.id " + "AND e.event_type = 'REVOKED')";

    /** The condition under which a waiver shows {@code status} at {@code :now}: what {@link #status} decides, in SQL. */
    private static String condition(WaiverStatus status) {
        return switch (status) {
            case REVOKED -> REVOKED;
            case EXPIRED -> "NOT " + REVOKED + " AND w.expires_at <= :now";
            case APPROVED -> APPROVED + " AND NOT " + REVOKED + " AND w.expires_at > :now";
            case REQUESTED -> "NOT " + APPROVED + " AND NOT " + REVOKED + " AND w.expires_at > :now";
        };
    }

    private final NamedParameterJdbcTemplate sql;
    private final Transactions transactions;

    WaiverStore(NamedParameterJdbcTemplate sql, Transactions transactions) {
        this.sql = sql;
        this.transactions = transactions;
    }

    /** Stores a waiver as requested (its id, requester, request time and resolved {@code expiresAt} set). */
    void create(Waiver w) {
        transactions.write(
                () -> sql.update(
                        "INSERT INTO waiver (id, requested_at, requested_by, organization_id, product_id, "
                                + "recommendation_id, measure, justification, evidence, starts_at, expires_at, "
                                + "expires_on, time_zone) VALUES (:id, :requestedAt, :requestedBy, :organizationId, "
                                + ":productId, :recommendationId, :measure, :justification, :evidence, :startsAt, "
                                + ":expiresAt, :expiresOn, :timeZone)",
                        new MapSqlParameterSource()
                                .addValue("id", w.getId())
                                .addValue("requestedAt", utc(w.getRequestedAt()))
                                .addValue("requestedBy", w.getRequestedBy())
                                .addValue("organizationId", w.getOrganizationId())
                                .addValue("productId", w.getProductId())
                                .addValue("recommendationId", w.getRecommendationId())
                                .addValue("measure", w.getMeasure())
                                .addValue("justification", w.getJustification())
                                .addValue("evidence", w.getEvidence())
                                .addValue("startsAt", utc(w.getStartsAt()))
                                .addValue("expiresAt", utc(w.getExpiresAt()))
                                .addValue("expiresOn", w.getExpiresOn())
                                .addValue("timeZone", w.getTimeZone())),
                "this waiver");
    }

    /** Records an approval, unless the approver asked for the waiver, or it was approved or revoked already. */
    Change approve(UUID id, String by, Instant at) {
        return change(id, by, at, null, WaiverEventType.APPROVED, "this approval");
    }

    /** Records a revocation, unless it was revoked already. A waiver awaiting approval can be revoked too (withdrawn). */
    Change revoke(UUID id, String by, Instant at, String note) {
        return change(id, by, at, note, WaiverEventType.REVOKED, "this revocation");
    }

    private Change change(UUID id, String by, Instant at, String note, WaiverEventType type, String what) {
        AtomicReference<Change> change = new AtomicReference<>();
        try {
            transactions.write(
                    () -> {
                        MapSqlParameterSource key = new MapSqlParameterSource("id", id);
                        List<String> requester =
                                sql.queryForList("SELECT requested_by FROM waiver WHERE id = :id", key, String.class);
                        if (requester.isEmpty()) {
                            change.set(Change.NOT_FOUND);
                            return;
                        }
                        List<String> done = sql.queryForList(
                                "SELECT event_type FROM waiver_event WHERE waiver_id = :id", key, String.class);
                        if (done.contains(type.getValue())) {
                            change.set(Change.ALREADY);
                            return;
                        }
                        if (type == WaiverEventType.APPROVED) {
                            if (done.contains(WaiverEventType.REVOKED.getValue())) {
                                change.set(Change.REVOKED);
                                return;
                            }
                            if (requester.get(0).equals(by)) {
                                change.set(Change.OWN_REQUEST);
                                return;
                            }
                        }
                        sql.update(
                                "INSERT INTO waiver_event (waiver_id, event_type, occurred_at, actor, note) "
                                        + "VALUES (:id, :type, :at, :by, :note)",
                                key.addValue("type", type.getValue())
                                        .addValue("at", at.atOffset(ZoneOffset.UTC))
                                        .addValue("by", by)
                                        .addValue("note", note));
                        change.set(Change.DONE);
                    },
                    what);
        } catch (DuplicateKeyException e) {
            return Change.ALREADY; // another risk owner recorded the same step at the same moment
        }
        return change.get();
    }

    /** A waiver with its history and its status at {@code now}. */
    Optional<Waiver> find(UUID id, Instant now) {
        List<Waiver> found = sql.query(
                "SELECT " + COLUMNS + " FROM waiver w WHERE w.id = :id",
                new MapSqlParameterSource("id", id),
                WaiverStore::waiver);
        withHistory(found, now);
        return found.stream().findFirst();
    }

    /** A page of waivers, newest first, after the position {@code cursor} names (from the start when null). */
    Page<Waiver> list(Filter filter, int limit, String cursor, Instant now) {
        Listing listing = new Listing()
                .where("w.requested_by = :requestedBy", "requestedBy", filter.requestedBy())
                .where("w.organization_id = :organization", "organization", filter.organizationId())
                .where("w.product_id = :product", "product", filter.productId())
                .where("w.recommendation_id = :recommendation", "recommendation", filter.recommendationId())
                .where("w.measure = :measure", "measure", filter.measure())
                .where(
                        filter.status() == null ? null : condition(filter.status()),
                        "now",
                        filter.status() == null ? null : now.atOffset(ZoneOffset.UTC))
                .after("w.id", cursor);
        List<Waiver> rows = sql.query(
                listing.sql("SELECT " + COLUMNS + " FROM waiver w", "w.id", limit),
                listing.parameters(),
                WaiverStore::waiver);
        Page<Waiver> page = Listing.page(rows, limit, Waiver::getId);
        withHistory(page.items(), now);
        return page;
    }

    /**
     * The approved waivers of an organization that were in force at some moment from {@code from}
     * on, with their history: what {@link io.kakunin.kb.Waivers#apply} needs to overlay a verdict
     * decided as of any instant at or after {@code from} (it decides which apply then).
     */
    public List<Waiver> approved(String organizationId, Instant from) {
        if (organizationId == null) {
            return List.of();
        }
        List<Waiver> found = sql.query(
                "SELECT " + COLUMNS + " FROM waiver w WHERE w.organization_id = :organization "
                        + "AND w.expires_at > :from AND EXISTS (SELECT 1 FROM waiver_event e "
                        + "WHERE e.waiver_id = w.id AND e.event_type = 'APPROVED') ORDER BY w.id",
                new MapSqlParameterSource("organization", organizationId)
                        .addValue("from", from.atOffset(ZoneOffset.UTC)),
                WaiverStore::waiver);
        withHistory(found, from);
        return found;
    }

    /** Reads the events of the waivers given, and sets their history, approval, revocation and status. */
    private void withHistory(List<Waiver> waivers, Instant now) {
        if (waivers.isEmpty()) {
            return;
        }
        Map<UUID, Waiver> byId = new LinkedHashMap<>();
        waivers.forEach(w -> byId.put(w.getId(), w));
        sql.query(
                "SELECT waiver_id, event_type, occurred_at, actor, note FROM waiver_event WHERE waiver_id IN (:ids) "
                        + "ORDER BY waiver_id, occurred_at",
                new MapSqlParameterSource("ids", byId.keySet()),
                rs -> {
                    Waiver w = byId.get(rs.getObject("waiver_id", UUID.class));
                    WaiverEventType type = WaiverEventType.fromValue(rs.getString("event_type"));
                    OffsetDateTime at = utc(rs.getObject("occurred_at", OffsetDateTime.class));
                    String by = rs.getString("actor");
                    w.getHistory()
                            .add(new WaiverEvent().type(type).at(at).by(by).note(rs.getString("note")));
                    if (type == WaiverEventType.APPROVED) {
                        w.approvedAt(at).approvedBy(by);
                    } else if (type == WaiverEventType.REVOKED) {
                        w.revokedAt(at).revokedBy(by);
                    }
                });
        for (Waiver w : waivers) {
            w.getHistory().sort(java.util.Comparator.comparing(WaiverEvent::getAt));
            boolean expired = !now.isBefore(w.getExpiresAt().toInstant());
            if (expired && w.getRevokedAt() == null) {
                w.getHistory()
                        .add(new WaiverEvent().type(WaiverEventType.EXPIRED).at(w.getExpiresAt()));
            }
            w.status(status(w, expired));
        }
    }

    private static WaiverStatus status(Waiver w, boolean expired) {
        if (w.getRevokedAt() != null) {
            return WaiverStatus.REVOKED;
        }
        if (expired) {
            return WaiverStatus.EXPIRED;
        }
        return w.getApprovedAt() != null ? WaiverStatus.APPROVED : WaiverStatus.REQUESTED;
    }

    private static Waiver waiver(ResultSet rs, int row) throws SQLException {
        List<WaiverEvent> history = new ArrayList<>();
        OffsetDateTime requestedAt = utc(rs.getObject("requested_at", OffsetDateTime.class));
        String requestedBy = rs.getString("requested_by");
        history.add(new WaiverEvent()
                .type(WaiverEventType.REQUESTED)
                .at(requestedAt)
                .by(requestedBy));
        return new Waiver()
                .id(rs.getObject("id", UUID.class))
                .requestedAt(requestedAt)
                .requestedBy(requestedBy)
                .organizationId(rs.getString("organization_id"))
                .productId(rs.getString("product_id"))
                .recommendationId(rs.getString("recommendation_id"))
                .measure(rs.getString("measure"))
                .justification(rs.getString("justification"))
                .evidence(rs.getString("evidence"))
                .startsAt(utc(rs.getObject("starts_at", OffsetDateTime.class)))
                .expiresAt(utc(rs.getObject("expires_at", OffsetDateTime.class)))
                .expiresOn(rs.getObject("expires_on", LocalDate.class))
                .timeZone(rs.getString("time_zone"))
                .history(history);
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
