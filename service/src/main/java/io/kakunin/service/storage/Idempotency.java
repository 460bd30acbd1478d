package io.kakunin.service.storage;

import com.zaxxer.hikari.HikariDataSource;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Stores a record exactly once per idempotency key: the key's row and the record are written in
 * one transaction (shared with other requests' writes by {@link GroupCommit}, or a chunk of a
 * batch's, whose keys are written many rows at once by {@link BulkInsert}), so either both exist
 * or neither. A retry finds the key's row and gets the record it names; a retry with another body
 * is refused. Keys are scoped to the caller and the operation:
 * the {@code Idempotency-Key} of {@code POST /v1/assessments} and the {@code idempotencyKey} of a
 * batch line are the same kind of key.
 *
 * <p>When storing fails, the key's row is looked for, whatever the failure (a key used twice, a
 * lock, a COMMIT whose reply was lost, anything else), except when the store failed before the
 * COMMIT was sent: nothing was stored then. A row found that names the record this request was
 * storing means its own COMMIT went through (answered as stored, not as a replay); a row that
 * names another record is a true replay.
 */
@Component
public class Idempotency {

    /** How long a retry waits for a first request with the same key that is still being stored. */
    private static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(5);

    private static final String INSERT =
            "INSERT INTO idempotency_key (caller, operation, idempotency_key, request_digest, resource_id, created_at) "
                    + "VALUES (:caller, :operation, :key, :digest, :id, :createdAt)";
    private static final List<String> COLUMNS =
            List.of("caller", "operation", "idempotency_key", "request_digest", "resource_id", "created_at");

    /** What happened: the record's id, and whether it was created by an earlier request (a replay). */
    public record Stored(UUID id, boolean replayed) {}

    /** One record of a chunk to store: its key (null for none), the request as stored, the id it will have. */
    public record Item(String key, String body, UUID id) {}

    /** What became of one item of a chunk: stored (now, or by an earlier request), or refused. */
    public record Result(Stored stored, ApiProblem refused) {
        static Result of(Stored stored) {
            return new Result(stored, null);
        }

        static Result refused(ApiProblem problem) {
            return new Result(null, problem);
        }
    }

    private record Row(String digest, UUID id) {}

    private final NamedParameterJdbcTemplate sql;
    private final BulkInsert bulk;
    private final GroupCommit commits;
    private final Transactions transactions;
    private final StoreFailures failures;
    private final Clock clock;
    private final Duration commitTimeout;
    private final Duration connectionTimeout;

    Idempotency(
            NamedParameterJdbcTemplate sql,
            BulkInsert bulk,
            GroupCommit commits,
            Transactions transactions,
            StoreFailures failures,
            Clock clock,
            KakuninProperties properties,
            DataSource dataSource) {
        this.sql = sql;
        this.bulk = bulk;
        this.commits = commits;
        this.transactions = transactions;
        this.failures = failures;
        this.clock = clock;
        this.commitTimeout = properties.storage().commitTimeout();
        this.connectionTimeout = dataSource instanceof HikariDataSource pool
                ? Duration.ofMillis(pool.getConnectionTimeout())
                : Duration.ZERO;
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
        long deadline = System.nanoTime() + commitTimeout.toNanos();
        try {
            commits.commit(() -> {
                sql.update(INSERT, row(caller, operation, key, digest, id));
                store.run();
            });
            return new Stored(id, false);
        } catch (RuntimeException failure) {
            if (nothingStored(failure)) {
                throw failure;
            }
            Optional<Row> earlier;
            try {
                if (Transactions.outcomeUnknown(failure)) {
                    // The answer is due by the request's deadline: look once, if a lookup can still fit.
                    earlier = deadline - System.nanoTime() > connectionTimeout.toNanos()
                            ? find(caller, operation, List.of(key)).values().stream()
                                    .findFirst()
                            : Optional.empty();
                } else if (isDuplicate(failure)) {
                    // Most likely the key was used before (a duplicate key, or a lock while the first request commits).
                    earlier = awaitEarlier(caller, operation, key);
                } else {
                    earlier = find(caller, operation, List.of(key)).values().stream()
                            .findFirst();
                }
            } catch (RuntimeException lookupFailed) {
                failure.addSuppressed(lookupFailed);
                throw failure;
            }
            if (earlier.isEmpty()) {
                if (isDuplicate(failure)) {
                    throw inFlight(key);
                }
                throw failure;
            }
            if (!earlier.get().digest().equals(digest)) {
                throw reused(key);
            }
            return new Stored(earlier.get().id(), !earlier.get().id().equals(id));
        }
    }

    /**
     * Stores records together in one transaction of their own (a chunk of a batch), each once per
     * key; answers one result per item, in order. An item whose key was used before is not stored
     * again: it is answered with the earlier record (a replay), or refused 409 if that was made
     * from another request; so is an item whose key an earlier item of the same chunk holds. When
     * the store fails, each item still to store is refused as {@link Transactions} says (nothing
     * stored, or the outcome unknown); after a failed COMMIT the keys are looked for, and an item
     * whose own record is found is answered as stored.
     *
     * @param write writes the records of the items at the given indexes (runs inside the transaction)
     * @throws RuntimeException a failure of the writes that is not the store's (rolled back: nothing was stored)
     */
    public List<Result> storeAll(String caller, String operation, List<Item> items, Consumer<List<Integer>> write) {
        try {
            return storeAllOnce(caller, operation, items, write);
        } catch (RuntimeException failure) {
            if (!isDuplicate(failure)) {
                throw failure;
            }
            // A request with one of these keys was stored meanwhile: once more, and it is found this time.
            return storeAllOnce(caller, operation, items, write);
        }
    }

    private List<Result> storeAllOnce(
            String caller, String operation, List<Item> items, Consumer<List<Integer>> write) {
        Result[] results = new Result[items.size()];
        Map<String, Row> earlier;
        try {
            earlier = find(caller, operation, keys(items));
        } catch (RuntimeException lookupFailed) {
            if (StoreFailures.kind(lookupFailed) == null) {
                throw lookupFailed;
            }
            ApiProblem refused = failures.notStored(lookupFailed);
            return items.stream().map(i -> Result.refused(refused)).toList();
        }
        List<Integer> toWrite = new ArrayList<>();
        Map<String, Integer> firstOfKey = new HashMap<>();
        Map<Integer, Integer> sameAs = new HashMap<>();
        String[] digests = new String[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            String digest = item.key() == null ? null : digest(item.body());
            digests[i] = digest;
            if (item.key() == null) {
                toWrite.add(i);
            } else if (earlier.containsKey(item.key())) {
                Row row = earlier.get(item.key());
                results[i] = row.digest().equals(digest)
                        ? Result.of(new Stored(row.id(), true))
                        : Result.refused(reused(item.key()));
            } else if (firstOfKey.containsKey(item.key())) {
                int first = firstOfKey.get(item.key());
                if (digests[first].equals(digest)) {
                    sameAs.put(i, first);
                } else {
                    results[i] = Result.refused(reused(item.key()));
                }
            } else {
                firstOfKey.put(item.key(), i);
                toWrite.add(i);
            }
        }
        if (!toWrite.isEmpty()) {
            try {
                transactions.write(
                        () -> {
                            List<Object[]> rows = new ArrayList<>();
                            OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
                            for (int i : toWrite) {
                                Item item = items.get(i);
                                if (item.key() != null) {
                                    rows.add(new Object[] {caller, operation, item.key(), digests[i], item.id(), now});
                                }
                            }
                            bulk.insert("idempotency_key", COLUMNS, rows);
                            write.accept(toWrite);
                        },
                        "these lines");
                toWrite.forEach(
                        i -> results[i] = Result.of(new Stored(items.get(i).id(), false)));
            } catch (ApiProblem failure) {
                if (!Transactions.ofTheStore(failure)) {
                    throw failure;
                }
                toWrite.forEach(i -> results[i] = Result.refused(failure));
                if (Transactions.outcomeUnknown(failure)) {
                    settle(caller, operation, items, toWrite, results);
                }
            }
        }
        sameAs.forEach((i, first) -> results[i] = results[first].stored() == null
                ? results[first]
                : Result.of(new Stored(results[first].stored().id(), true)));
        return List.of(results);
    }

    /** After a failed COMMIT: the items whose key names their own record were stored after all. */
    private void settle(String caller, String operation, List<Item> items, List<Integer> written, Result[] results) {
        Map<String, Row> found;
        try {
            found = find(
                    caller, operation, keys(written.stream().map(items::get).toList()));
        } catch (RuntimeException lookupFailed) {
            return; // the outcome stays unknown
        }
        for (int i : written) {
            Item item = items.get(i);
            Row row = item.key() == null ? null : found.get(item.key());
            if (row != null && row.id().equals(item.id())) {
                results[i] = Result.of(new Stored(item.id(), false));
            }
        }
    }

    /** Whether a failure certainly stored nothing: the store failed before the COMMIT, or the write was never taken. */
    private static boolean nothingStored(RuntimeException failure) {
        return failure instanceof ApiProblem problem
                && (Problems.STORE_UNAVAILABLE.equals(problem.slug())
                        || Problems.STORE_FULL.equals(problem.slug())
                        || "busy".equals(problem.slug()));
    }

    private static ApiProblem inFlight(String key) {
        return ApiProblem.conflict(
                "idempotency-key-in-flight",
                "A request with this Idempotency-Key is still being processed",
                "Another request with Idempotency-Key '" + key + "' is being stored; retry shortly.");
    }

    private static ApiProblem reused(String key) {
        return ApiProblem.conflict(
                "idempotency-key-reused",
                "The Idempotency-Key was used with another request",
                "Idempotency-Key '" + key
                        + "' was used before with a different body; use a new key for a new request.");
    }

    private Optional<Row> awaitEarlier(String caller, String operation, String key) {
        long deadline = System.nanoTime() + IN_FLIGHT_WAIT.toNanos();
        while (true) {
            Row row = find(caller, operation, List.of(key)).get(key);
            if (row != null) {
                return Optional.of(row);
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

    /** The rows of the given keys, by key. */
    private Map<String, Row> find(String caller, String operation, Collection<String> keys) {
        Map<String, Row> rows = new HashMap<>();
        if (keys.isEmpty()) {
            return rows;
        }
        sql.query(
                "SELECT idempotency_key, request_digest, resource_id FROM idempotency_key "
                        + "WHERE caller = :caller AND operation = :operation AND idempotency_key IN (:keys)",
                new MapSqlParameterSource("caller", caller)
                        .addValue("operation", operation)
                        .addValue("keys", keys),
                rs -> {
                    rows.put(rs.getString(1), new Row(rs.getString(2), UUID.fromString(rs.getString(3))));
                });
        return rows;
    }

    private static Set<String> keys(List<Item> items) {
        Set<String> keys = new LinkedHashSet<>();
        items.forEach(i -> {
            if (i.key() != null) {
                keys.add(i.key());
            }
        });
        return keys;
    }

    private MapSqlParameterSource row(String caller, String operation, String key, String digest, UUID id) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        return new MapSqlParameterSource("caller", caller)
                .addValue("operation", operation)
                .addValue("key", key)
                .addValue("digest", digest)
                .addValue("id", id)
                .addValue("createdAt", now);
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
