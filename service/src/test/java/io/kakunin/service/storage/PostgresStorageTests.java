package io.kakunin.service.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kakunin.service.KakuninProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The storage contract on a real PostgreSQL server, migrated by the same Flyway scripts. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class PostgresStorageTests extends StorageContract {

    private static String url;

    @Autowired
    KakuninProperties properties;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        url = Postgres.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", Postgres::user);
        registry.add("spring.datasource.password", Postgres::password);
    }

    @Test
    void itReallyIsPostgreSql() {
        assertThat(jdbc.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL 18");
    }

    @Override
    BulkInsert.Way bulkWay() {
        return BulkInsert.Way.COPY;
    }

    private List<Object[]> keys(String prefix, int n) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {
                "key:copy", "createAssessment", prefix + i, "sha256:x", UUID.randomUUID(), Instant.now()
            });
        }
        return rows;
    }

    private static List<String> sqlStates(Throwable failure) {
        List<String> states = new ArrayList<>();
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException sql) {
                states.add(sql.getSQLState());
            }
        }
        return states;
    }

    private static final List<String> KEY_COLUMNS =
            List.of("caller", "operation", "idempotency_key", "request_digest", "resource_id", "created_at");

    /** A key copied twice is refused as a key inserted twice is: what Idempotency reads to find the earlier record. */
    @Test
    void aKeyCopiedTwiceIsADuplicateKey() {
        String prefix = "copied-" + UUID.randomUUID() + "-";
        List<Object[]> rows = keys(prefix, 10);
        transaction.executeWithoutResult(status -> bulk.insert("idempotency_key", KEY_COLUMNS, rows));
        Throwable twice = catchThrowable(
                () -> transaction.executeWithoutResult(status -> bulk.insert("idempotency_key", KEY_COLUMNS, rows)));
        assertThat(twice).isInstanceOf(DuplicateKeyException.class);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM idempotency_key WHERE idempotency_key LIKE ?",
                        Integer.class,
                        prefix + "%"))
                .isEqualTo(10);
    }

    /**
     * A COPY into a locked table is cancelled past the statement timeout like any statement (the
     * driver's query timeout does not reach a COPY), and the failure is the store's: the chunk's
     * lines are answered 503, not left waiting for the network timeout or answered 500.
     */
    @Test
    void aCopyIntoALockedTableEndsAtTheStatementTimeoutAsTheStoresFailure() throws Exception {
        Duration statementTimeout = properties.storage().statementTimeout();
        try (Connection locker = DriverManager.getConnection(url, Postgres.user(), Postgres.password())) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("LOCK TABLE idempotency_key IN ACCESS EXCLUSIVE MODE");
            }
            long start = System.nanoTime();
            Throwable failure = catchThrowable(() -> transaction.executeWithoutResult(
                    status -> bulk.insert("idempotency_key", KEY_COLUMNS, keys("locked-", 10))));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            locker.rollback();
            assertThat(StoreFailures.kind(failure))
                    .as(String.valueOf(failure))
                    .isEqualTo(StoreFailures.Kind.UNAVAILABLE);
            // Cancelled by the server at the statement timeout (57014), not cut by the driver's network timeout.
            assertThat(sqlStates(failure)).contains("57014");
            assertThat(took).isGreaterThanOrEqualTo(statementTimeout);
        }
    }
}
