package io.kakunin.service.storage;

import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code db} component of {@code /actuator/health} (in place of Spring Boot's): whether the
 * store can be reached, said within the store's bounds. A failure to reach the store that any
 * request met a moment ago ({@link #failed}) is answered at once, DOWN, instead of waiting for a
 * connection again: so a health check that follows a failed lookup of its API key, or comes
 * among many failing requests, is not held up twice. Otherwise a connection is taken (the pool's
 * wait, 2 s at most) and validated within the statement timeout. A committed write clears what
 * was noted: the store is back.
 */
@Component("dbHealthIndicator")
public class StoreHealth implements HealthIndicator {

    /** How long a failure met by a request stands for the store's state. */
    private static final Duration RECENT = Duration.ofSeconds(2);

    private record Failure(long at, String what) {}

    private final DataSource dataSource;
    private final int validationSeconds;
    private volatile Failure last;

    StoreHealth(DataSource dataSource, io.kakunin.service.KakuninProperties properties) {
        this.dataSource = dataSource;
        this.validationSeconds =
                (int) Math.max(1, properties.storage().statementTimeout().toSeconds());
    }

    /**
     * Notes a failure met on the store, if it says the store cannot be reached (a statement that
     * timed out says only that it was slow).
     */
    public void failed(Throwable failure) {
        if (StoreFailures.kind(failure) != null && !StoreFailures.onlySlow(failure)) {
            last = new Failure(System.nanoTime(), StoreFailures.summary(failure));
        }
    }

    /** A write was committed: whatever failed before, the store is reachable now. */
    void stored() {
        last = null;
    }

    @Override
    public Health health() {
        Failure recent = last;
        if (recent != null && System.nanoTime() - recent.at() < RECENT.toNanos()) {
            return Health.down()
                    .withDetail("error", recent.what())
                    .withDetail("metMillisAgo", (System.nanoTime() - recent.at()) / 1_000_000)
                    .build();
        }
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(validationSeconds)) {
                last = null;
                return Health.up()
                        .withDetail("database", connection.getMetaData().getDatabaseProductName())
                        .build();
            }
            return Health.down()
                    .withDetail("error", "the connection is not valid")
                    .build();
        } catch (Exception e) {
            failed(e);
            return Health.down().withDetail("error", StoreFailures.summary(e)).build();
        }
    }
}
