package io.kakunin.service.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kakunin.service.Http;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service on a real PostgreSQL server, through a TCP proxy that makes the faults an
 * operator meets ({@link TcpProxy}): the database stopped, frozen, a table locked, and a COMMIT
 * whose reply is lost, while four clients submit assessments with an Idempotency-Key (retrying each key until
 * it is answered 201, as the API guide says) and a fifth reads records, listings and health.
 * What is checked is what clients see: every answer within the bound, 503 with Retry-After and a
 * problem detail that says what is known while the store is down, health DOWN with or without a
 * key, recovery without a restart, every acknowledged record present and none stored twice, and
 * {@code Idempotent-Replayed} only on a true replay.
 *
 * <p>The pool's wait for a connection is the shipped one (2 s); the other timeouts are shortened
 * to keep the test fast, and the outage lasts 4 s. Run with {@code -Dkakunin.faults.outage-seconds=60},
 * the outage lasts that long and every timeout is the shipped one: that is how the figures of
 * operations.md are measured.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class StoreFaultTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CLIENTS = 4;
    private static final List<String> KINDS = List.of(
            "POST",
            "GET record",
            "GET list",
            "health",
            "health with a key",
            "health with an unknown key",
            "an unknown key",
            "POST with an unknown key");
    /** Measuring: a long outage, and the shipped timeouts. */
    private static final boolean MEASURING = System.getProperty("kakunin.faults.outage-seconds") != null;

    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("kakunin.faults.outage-seconds", 4));
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(MEASURING ? 5 : 3);
    /**
     * The longest any answer may take: the commit timeout, and one wait for a connection (2 s)
     * after it, for a lookup by key, or before it, for a key of the request's that is looked up.
     */
    private static final Duration BOUND = COMMIT_TIMEOUT.plusSeconds(2);

    private static final String DIRECT_URL = Postgres.newDatabase();
    private static final TcpProxy PROXY = proxy();

    private static TcpProxy proxy() {
        try {
            return new TcpProxy(Postgres.port());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry registry) {
        String database = DIRECT_URL.substring(DIRECT_URL.lastIndexOf('/') + 1, DIRECT_URL.indexOf('?'));
        // prepareThreshold=0: a COMMIT is sent as text each time, which the proxy recognizes.
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:postgresql://127.0.0.1:" + PROXY.port() + "/" + database + "?prepareThreshold=0");
        registry.add("spring.datasource.username", Postgres::user);
        registry.add("spring.datasource.password", Postgres::password);
        if (!MEASURING) {
            registry.add("kakunin.storage.commit-timeout", () -> COMMIT_TIMEOUT.toSeconds() + "s");
            registry.add("kakunin.storage.statement-timeout", () -> "1s");
            registry.add("kakunin.storage.network-timeout", () -> "2s");
        }
    }

    @AfterAll
    static void closeTheProxy() {
        PROXY.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource pool;

    /** The database itself, not through the proxy: what is really stored. */
    private final JdbcTemplate direct =
            new JdbcTemplate(new DriverManagerDataSource(DIRECT_URL, Postgres.user(), Postgres.password()));

    @BeforeEach
    void theDatabaseIsReachable() {
        PROXY.pass();
        Http http = new Http(port).as(null);
        await("the service to reach its database")
                .atMost(Duration.ofSeconds(30))
                .until(() -> http.get("/actuator/health").status() == 200);
    }

    // ------------------------------------------------------------------ outages

    @Test
    void aStoppedDatabaseIsAnswered503WithinTheBoundAndTheServiceRecoversWithoutARestart() throws Exception {
        Outage outage = outage("stopped", PROXY::cut);
        outage.check();
    }

    @Test
    void aFrozenDatabaseIsAnswered503WithinTheBoundAndTheServiceRecoversWithoutARestart() throws Exception {
        Outage outage = outage("frozen", PROXY::blackHole);
        outage.check();
    }

    // ------------------------------------------------------------------ a table locked

    /**
     * A table held locked by someone else: statements on it are cancelled at the statement timeout
     * and answered 503 within the bound, health stays UP (the database answers), and once the
     * lock is released the service stores again.
     */
    @Test
    void aLockedTableIsAnswered503WithinTheBoundAndHealthStaysUp() throws Exception {
        Http http = new Http(port);
        String known = http.postJson("/v1/assessments", assessment("locked-known-" + UUID.randomUUID()))
                .json()
                .path("id")
                .asString();
        String organization = "locked-" + UUID.randomUUID();
        try (java.sql.Connection lock =
                java.sql.DriverManager.getConnection(DIRECT_URL, Postgres.user(), Postgres.password())) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE assessment IN ACCESS EXCLUSIVE MODE");
            List<Answer> answers = List.of(
                    call(
                            "POST",
                            organization,
                            () -> http.postJson(
                                    "/v1/assessments", assessment(organization), "Idempotency-Key", organization)),
                    call("GET record", null, () -> http.get("/v1/assessments/" + known)),
                    call("GET list", null, () -> http.get("/v1/assessments?limit=5")));
            assertThat(answers).allSatisfy(a -> {
                assertThat(a.millis()).as(a.toString()).isLessThanOrEqualTo(BOUND.toMillis());
                assertThat(a.status()).as(a.toString()).isEqualTo(503);
                assertThat(a.response().header("Retry-After")).isNotNull();
                assertThat(a.type()).isEqualTo("urn:kakunin:problem:store-unavailable");
            });
            assertThat(answers.get(0).detail()).contains("nothing was stored");
            assertThat(http.as(null).get("/actuator/health").status())
                    .as("the database answers: health is UP")
                    .isEqualTo(200);
            lock.rollback();
        }
        Http.Response stored =
                http.postJson("/v1/assessments", assessment(organization), "Idempotency-Key", organization);
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
        assertThat(stored.header("Idempotent-Replayed")).isNull();
        assertThat(stored(organization)).hasSize(1);
    }

    // ------------------------------------------------------------------ a COMMIT whose reply is lost

    @Test
    void aCommitWhoseReplyIsLostIsFoundByItsKeyAndAnsweredAsStoredNotAsAReplay() {
        Http http = new Http(port);
        String organization = "lost-reply-" + UUID.randomUUID();
        PROXY.loseNextCommitReply();
        Http.Response first =
                http.postJson("/v1/assessments", assessment(organization), "Idempotency-Key", organization);
        assertThat(PROXY.commitReplyLost()).as("the COMMIT's reply was lost").isTrue();

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed"))
                .as("the first request is not a replay")
                .isNull();
        assertThat(stored(organization)).containsExactly(first.json().path("id").asString());

        Http.Response retry =
                http.postJson("/v1/assessments", assessment(organization), "Idempotency-Key", organization);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.json().path("id")).isEqualTo(first.json().path("id"));
        assertThat(stored(organization)).hasSize(1);
    }

    @Test
    void aCommitWhoseReplyIsLostWithoutAKeyIsAnsweredAsUnknownNeverAsNothingStored() {
        Http http = new Http(port);
        String organization = "lost-reply-no-key-" + UUID.randomUUID();
        PROXY.loseNextCommitReply();
        Http.Response answer = http.postJson("/v1/assessments", assessment(organization));
        assertThat(PROXY.commitReplyLost()).as("the COMMIT's reply was lost").isTrue();

        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isNotNull();
        JsonNode problem = answer.json();
        assertThat(problem.path("type").asString()).isEqualTo("urn:kakunin:problem:outcome-unknown");
        assertThat(problem.path("detail").asString())
                .contains("may be stored")
                .contains("same Idempotency-Key")
                .doesNotContain("nothing was stored");
        assertThat(stored(organization))
                .as("the COMMIT went through: the answer did not deny it")
                .hasSize(1);
    }

    @Test
    void aBatchChunkWhoseCommitReplyIsLostIsAnsweredLineByLineAndItsKeyedLinesAreFound() {
        Http http = new Http(port);
        String unkeyed = "lost-batch-" + UUID.randomUUID();
        PROXY.loseNextCommitReply();
        List<JsonNode> results = batch(http, unkeyed, 130, false);
        assertThat(PROXY.commitReplyLost()).isTrue();
        assertThat(results).hasSize(130);
        for (JsonNode line : results) {
            if (line.path("line").asInt() <= 64) {
                assertThat(line.path("status").asInt()).as(line.toString()).isEqualTo(503);
                assertThat(line.path("problem").path("type").asString())
                        .isEqualTo("urn:kakunin:problem:outcome-unknown");
                assertThat(line.path("problem").path("detail").asString()).doesNotContain("nothing was stored");
            } else {
                assertThat(line.path("status").asInt()).as(line.toString()).isEqualTo(201);
            }
        }
        assertThat(direct.queryForObject(
                        "SELECT COUNT(*) FROM assessment WHERE organization_id LIKE ?", Integer.class, unkeyed + "-%"))
                .as("the chunk whose reply was lost was committed")
                .isEqualTo(130);

        String keyed = "lost-batch-keyed-" + UUID.randomUUID();
        PROXY.loseNextCommitReply();
        List<JsonNode> settled = batch(http, keyed, 130, true);
        assertThat(PROXY.commitReplyLost()).isTrue();
        assertThat(settled).hasSize(130).allSatisfy(line -> {
            assertThat(line.path("status").asInt()).as(line.toString()).isEqualTo(201);
            assertThat(line.has("replayed")).as(line.toString()).isFalse();
        });
        List<JsonNode> resent = batch(http, keyed, 130, true);
        assertThat(resent).allSatisfy(line -> {
            assertThat(line.path("status").asInt()).isEqualTo(201);
            assertThat(line.path("replayed").asBoolean()).as(line.toString()).isTrue();
        });
        for (int i = 1; i <= 130; i++) {
            assertThat(stored(keyed + "-" + i)).as("line %d", i).hasSize(1);
        }
    }

    // ------------------------------------------------------------------ the outage run

    /** One answer a client got, or the failure it met (status -1). */
    record Answer(String what, String key, long start, long end, int status, Http.Response response) {

        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(end - start);
        }

        String type() {
            return response == null || !response.contentType().startsWith("application/problem+json")
                    ? ""
                    : response.json().path("type").asString();
        }

        String detail() {
            return response == null ? "" : response.json().path("detail").asString();
        }

        @Override
        public String toString() {
            return what + " " + status + " in " + millis() + " ms "
                    + (response == null
                            ? ""
                            : response.body()
                                    .substring(0, Math.min(300, response.body().length())));
        }
    }

    private final class Outage {
        final String name;
        final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        volatile long faultAt = Long.MAX_VALUE;
        volatile long restoredAt = Long.MAX_VALUE;
        long recoveredAt;
        int poolAtMost;

        Outage(String name) {
            this.name = name;
        }

        /** The answers so far: a copy, since the clients add to the list while it is read. */
        List<Answer> all() {
            synchronized (answers) {
                return List.copyOf(answers);
            }
        }

        List<Answer> during() {
            synchronized (answers) {
                return answers.stream()
                        .filter(a -> a.start() > faultAt && a.end() < restoredAt)
                        .toList();
            }
        }

        void check() {
            List<Answer> all = all();
            List<Answer> during = during();
            Map<String, List<Answer>> byWhat = during.stream().collect(Collectors.groupingBy(Answer::what));
            long worst = all.stream().mapToLong(Answer::millis).max().orElse(0);
            System.out.printf(
                    "[measure] PostgreSQL %s for %d s under load from %d clients: %d answers during the outage, "
                            + "worst answer time %d ms (%s), recovered %d ms after the database came back, "
                            + "pool held at most %d connections%n",
                    name,
                    OUTAGE.toSeconds(),
                    CLIENTS,
                    during.size(),
                    worst,
                    byWhat.entrySet().stream()
                            .map(e -> e.getKey() + " "
                                    + e.getValue().stream()
                                            .mapToLong(Answer::millis)
                                            .max()
                                            .orElse(0) + " ms")
                            .collect(Collectors.joining(", ")),
                    TimeUnit.NANOSECONDS.toMillis(recoveredAt - restoredAt),
                    poolAtMost);

            assertThat(all)
                    .as("answers that took longer than the bound")
                    .filteredOn(a -> a.millis() > BOUND.toMillis())
                    .isEmpty();
            assertThat(byWhat.keySet())
                    .as("every kind of request was answered during the outage")
                    .containsExactlyInAnyOrderElementsOf(KINDS);
            for (Answer a : during) {
                assertThat(a.status()).as(a.toString()).isEqualTo(503);
                if (a.what().startsWith("health")) {
                    assertThat(a.response().json().path("status").asString())
                            .as(a.toString())
                            .isEqualTo("DOWN");
                    continue;
                }
                assertThat(a.response().header("Retry-After")).as(a.toString()).matches("[1-9][0-9]*");
                assertThat(a.response().contentType()).startsWith("application/problem+json");
                if (a.what().equals("POST")) {
                    assertThat(a.type())
                            .as(a.toString())
                            .isIn(
                                    "urn:kakunin:problem:store-unavailable",
                                    "urn:kakunin:problem:outcome-unknown",
                                    "urn:kakunin:problem:busy");
                    assertThat(a.detail())
                            .as(a.toString())
                            .contains(
                                    a.type().endsWith("outcome-unknown")
                                            ? "same Idempotency-Key"
                                            : "nothing was stored");
                } else if (a.what().equals("POST with an unknown key")) {
                    // Its key could not be looked up: it never ran.
                    assertThat(a.type()).as(a.toString()).isEqualTo("urn:kakunin:problem:store-unavailable");
                    assertThat(a.detail())
                            .as(a.toString())
                            .contains("nothing was stored")
                            .doesNotContain("could be read");
                } else {
                    assertThat(a.type()).as(a.toString()).isEqualTo("urn:kakunin:problem:store-unavailable");
                    assertThat(a.detail())
                            .as(a.toString())
                            .contains("Nothing could be read")
                            .doesNotContain("nothing was stored");
                }
            }

            // Every key was retried until it was answered 201: each is stored once, with the id it was answered with.
            Map<String, List<Answer>> byKey =
                    all.stream().filter(a -> a.key() != null).collect(Collectors.groupingBy(Answer::key));
            assertThat(byKey).isNotEmpty();
            byKey.forEach((key, attempts) -> {
                Answer last = attempts.get(attempts.size() - 1);
                assertThat(last.status()).as("%s: %s", key, attempts).isEqualTo(201);
                assertThat(stored(key))
                        .as("%s is stored once, as acknowledged", key)
                        .containsExactly(last.response().json().path("id").asString());
                boolean unknownBefore = attempts.stream()
                        .anyMatch(a -> a.status() == -1 || a.type().endsWith("outcome-unknown"));
                attempts.stream()
                        .filter(a -> a.status() == 201)
                        .filter(a -> "true".equals(a.response().header("Idempotent-Replayed")))
                        .forEach(replay -> assertThat(unknownBefore)
                                .as(
                                        "%s was answered as a replay, but no earlier attempt may have stored it: %s",
                                        key, attempts)
                                .isTrue());
            });
            System.out.printf(
                    "[measure] PostgreSQL %s: %d records acknowledged, each present once; %d answered as replays%n",
                    name,
                    byKey.size(),
                    all.stream()
                            .filter(a -> "true"
                                    .equals(
                                            a.response() == null
                                                    ? null
                                                    : a.response().header("Idempotent-Replayed")))
                            .count());
        }
    }

    private Outage outage(String name, Runnable fault) throws Exception {
        Outage run = new Outage(name);
        Http http = new Http(port);
        String known = http.postJson("/v1/assessments", assessment(name + "-known-" + UUID.randomUUID()))
                .json()
                .path("id")
                .asString();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(KINDS.size() - 1 + CLIENTS);
        try {
            return outage(name, fault, run, http, known, stop, threads);
        } finally {
            stop.set(true);
            PROXY.pass();
            threads.shutdown();
            assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private Outage outage(
            String name,
            Runnable fault,
            Outage run,
            Http http,
            String known,
            AtomicBoolean stop,
            ExecutorService threads) {
        String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            threads.execute(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String key = prefix + "-c" + client + "-" + n;
                    Answer answer;
                    do {
                        answer = call(
                                "POST",
                                key,
                                () -> http.postJson("/v1/assessments", assessment(key), "Idempotency-Key", key));
                        run.answers.add(answer);
                    } while (answer.status() != 201 && (answer.status() == 503 || answer.status() == -1));
                }
            });
        }
        Http anonymous = http.as(null);
        // A key never seen before, so that it is looked up in the store (a lookup is cached, an unknown key's too).
        java.util.function.Supplier<Http> unknownKey =
                () -> http.as("kak_unknown_" + UUID.randomUUID().toString().replace("-", ""));
        Map<String, java.util.function.Supplier<Http.Response>> readers = Map.of(
                "GET record",
                () -> http.get("/v1/assessments/" + known),
                "GET list",
                () -> http.get("/v1/assessments?limit=5"),
                "health",
                () -> anonymous.get("/actuator/health"),
                "health with a key",
                () -> http.get("/actuator/health"),
                "health with an unknown key",
                () -> unknownKey.get().get("/actuator/health"),
                "an unknown key",
                () -> unknownKey.get().get("/v1/recommendations"),
                "POST with an unknown key",
                () -> unknownKey.get().postJson("/v1/assessments", assessment(name + "-unknown-key")));
        readers.forEach((what, read) -> threads.execute(() -> {
            while (!stop.get()) {
                run.answers.add(call(what, null, read));
            }
        }));
        await("every client is stored before the fault")
                .atMost(Duration.ofSeconds(30))
                .until(() -> run.all().stream().filter(a -> a.status() == 201).count() >= CLIENTS);

        run.faultAt = System.nanoTime();
        fault.run();
        await("the outage to last " + OUTAGE.toSeconds() + " s, with answers to every client")
                .atMost(OUTAGE.plusSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    run.poolAtMost = Math.max(run.poolAtMost, pooled());
                    return System.nanoTime() - run.faultAt >= OUTAGE.toNanos()
                            && run.during().stream()
                                            .map(Answer::what)
                                            .distinct()
                                            .count()
                                    == KINDS.size();
                });

        run.restoredAt = System.nanoTime();
        PROXY.pass();
        await("every client stored again after the database came back")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    List<Answer> after;
                    synchronized (run.answers) {
                        after = run.all().stream()
                                .filter(a -> a.key() != null && a.start() > run.restoredAt && a.status() == 201)
                                .toList();
                    }
                    if (after.stream()
                                    .map(Answer::key)
                                    .map(k -> k.substring(0, k.lastIndexOf('-')))
                                    .distinct()
                                    .count()
                            < CLIENTS) {
                        return false;
                    }
                    run.recoveredAt =
                            after.stream().mapToLong(Answer::end).max().orElseThrow();
                    return true;
                });
        return run;
    }

    private int pooled() {
        return pool instanceof com.zaxxer.hikari.HikariDataSource hikari && hikari.getHikariPoolMXBean() != null
                ? hikari.getHikariPoolMXBean().getTotalConnections()
                : 0;
    }

    private static Answer call(String what, String key, java.util.function.Supplier<Http.Response> request) {
        long start = System.nanoTime();
        try {
            Http.Response response = request.get();
            return new Answer(what, key, start, System.nanoTime(), response.status(), response);
        } catch (RuntimeException e) {
            // No answer at all (the client's own timeout of 30 s): fails the bound.
            return new Answer(what, key, start, System.nanoTime(), -1, null);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String assessment(String organization) {
        return "{\"organization\":{\"id\":\"" + organization
                + "\"},\"products\":[{\"id\":\"cam\",\"defaultPasswordPolicy\":\"SHARED\"}]}";
    }

    /** The ids stored for an organization, in the database itself. */
    private List<String> stored(String organization) {
        return direct.queryForList(
                "SELECT CAST(id AS VARCHAR) FROM assessment WHERE organization_id = ?", String.class, organization);
    }

    /** A batch of lines for organizations {@code prefix-1} … {@code prefix-n}, keyed by organization when asked. */
    private static List<JsonNode> batch(Http http, String prefix, int lines, boolean keyed) {
        StringBuilder body = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            String organization = prefix + "-" + i;
            body.append(keyed ? "{\"idempotencyKey\":\"" + organization + "\"," : "{")
                    .append(assessment(organization).substring(1))
                    .append('\n');
        }
        Http.Response response = http.send(
                "POST",
                "/v1/assessments:batch",
                "application/x-ndjson",
                body.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.body().lines().map(JSON::readTree).toList();
    }
}
