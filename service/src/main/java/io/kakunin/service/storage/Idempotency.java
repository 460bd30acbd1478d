package io.kakunin.service.storage;

import io.kakunin.service.web.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Stores a record exactly once per {@code Idempotency-Key}: the key's row and the record are
 * written in one transaction (shared with other requests' writes by {@link GroupCommit}), so
 * either both exist or neither. A retry finds the key's row and
 * gets the record it names; a retry with another body is refused. Keys are scoped to the
 * caller and the operation.
 */
@Component
public class Idempotency {

    /** How long a retry waits for a first request with the same key that is still being stored. */
    private static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(5);

    /** What happened: the record's id, and whether it was created now or by an earlier request. */
    public record Stored(UUID id, boolean replayed) {}

    private final NamedParameterJdbcTemplate sql;
    private final GroupCommit commits;
    private final Clock clock;

    Idempotency(NamedParameterJdbcTemplate sql, GroupCommit commits, Clock clock) {
        this.sql = sql;
        this.commits = commits;
        this.clock = clock;
    }

    /**
     * Stores a record, once per key.
     *
     * @param key     the Idempotency-Key header, or null: then the record is simply stored
     * @param body    the request as it will be stored, whose digest a retry must match
     * @param id      the id the new record will have
     * @param store   writes the record (runs inside the transaction)
     */
    public Stored store(String caller, String operation, String key, String body, UUID id, Runnable store) {
        if (key == null) {
            commits.commit(store);
            return new Stored(id, false);
        }
        String digest = digest(body);
        try {
            commits.commit(() -> {
                sql.update(
                        "INSERT INTO idempotency_key (caller, operation, idempotency_key, request_digest, resource_id, created_at) "
                                + "VALUES (:caller, :operation, :key, :digest, :id, :createdAt)",
                        scope(caller, operation, key)
                                .addValue("digest", digest)
                                .addValue("id", id)
                                .addValue("createdAt", clock.instant().atOffset(ZoneOffset.UTC)));
                store.run();
            });
            return new Stored(id, false);
        } catch (DataAccessException e) {
            // Most likely the key was used before (a duplicate key, or a lock while the first request commits).
            Optional<String[]> earlier = awaitEarlier(caller, operation, key);
            if (earlier.isEmpty()) {
                if (isDuplicate(e)) {
                    throw ApiProblem.conflict(
                            "idempotency-key-in-flight",
                            "A request with this Idempotency-Key is still being processed",
                            "Another request with Idempotency-Key '" + key + "' is being stored; retry shortly.");
                }
                throw e;
            }
            if (!earlier.get()[0].equals(digest)) {
                throw ApiProblem.conflict(
                        "idempotency-key-reused",
                        "The Idempotency-Key was used with another request",
                        "Idempotency-Key '" + key
                                + "' was used before with a different body; use a new key for a new request.");
            }
            return new Stored(UUID.fromString(earlier.get()[1]), true);
        }
    }

    private Optional<String[]> awaitEarlier(String caller, String operation, String key) {
        long deadline = System.nanoTime() + IN_FLIGHT_WAIT.toNanos();
        while (true) {
            List<String[]> rows = sql.query(
                    "SELECT request_digest, resource_id FROM idempotency_key "
                            + "WHERE caller = :caller AND operation = :operation AND idempotency_key = :key",
                    scope(caller, operation, key),
                    (rs, n) -> new String[] {rs.getString(1), rs.getString(2)});
            if (!rows.isEmpty()) {
                return Optional.of(rows.get(0));
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private static MapSqlParameterSource scope(String caller, String operation, String key) {
        return new MapSqlParameterSource("caller", caller)
                .addValue("operation", operation)
                .addValue("key", key);
    }

    private static boolean isDuplicate(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof org.springframework.dao.DuplicateKeyException
                    || c instanceof java.sql.SQLIntegrityConstraintViolationException
                    || c instanceof org.springframework.dao.PessimisticLockingFailureException) {
                return true;
            }
        }
        return false;
    }

    static String digest(String body) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
