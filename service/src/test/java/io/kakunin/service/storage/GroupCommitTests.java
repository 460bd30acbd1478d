package io.kakunin.service.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.kakunin.service.Http;
import io.kakunin.service.assessments.FailingAssessmentStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The group-commit writer under faults: a write that throws anything, an {@link Error}
 * included, fails its own group's requests and no other, and the writer goes on serving; no
 * request waits for the store longer than the commit timeout, and the answer says whether the
 * record may have been stored. The fault is injected through the container, in the real store.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "kakunin.storage.commit-timeout=3s")
@ActiveProfiles("test")
class GroupCommitTests {

    @TestConfiguration
    static class FaultInjection {
        @Bean
        @Primary
        FailingAssessmentStore failingAssessmentStore(
                NamedParameterJdbcTemplate sql, Idempotency idempotency, BulkInsert bulk) {
            return new FailingAssessmentStore(sql, idempotency, bulk);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    FailingAssessmentStore store;

    @Autowired
    GroupCommit commits;

    @Autowired
    JdbcTemplate jdbc;

    /** The test's own callers: they block in commit() as request threads do. */
    private final ExecutorService callers = Executors.newFixedThreadPool(5);

    @AfterEach
    void noFaultLeftArmed() {
        store.reset();
        callers.shutdownNow();
    }

    private static String assessment(String organization) {
        return "{\"organization\":{\"id\":\"" + organization
                + "\"},\"products\":[{\"id\":\"cam\",\"defaultPasswordPolicy\":\"SHARED\"}]}";
    }

    private int stored(String organization) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM assessment WHERE organization_id = ?", Integer.class, organization);
    }

    /** A marker row a write leaves, to see whether its transaction was committed. */
    private Runnable mark(String key) {
        return () -> jdbc.update(
                "INSERT INTO idempotency_key (caller, operation, idempotency_key, request_digest, resource_id, created_at) "
                        + "VALUES ('group-commit-test', 'mark', ?, 'sha256:0', ?, CURRENT_TIMESTAMP)",
                key,
                UUID.randomUUID());
    }

    private boolean marked(String key) {
        return jdbc.queryForObject(
                        "SELECT COUNT(*) FROM idempotency_key WHERE operation = 'mark' AND idempotency_key = ?",
                        Integer.class,
                        key)
                == 1;
    }

    /** Holds the writer inside a write of its own until released; returns once the writer is held. */
    private CountDownLatch holdTheWriter() throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        callers.execute(() -> {
            try {
                commits.commit(() -> {
                    held.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (RuntimeException e) {
                // This request's own answer (503 once it waited the timeout) is not what is tested.
            }
        });
        assertThat(held.await(30, TimeUnit.SECONDS))
                .as("the writer took the holding write")
                .isTrue();
        return release;
    }

    @Test
    void anErrorInAWriteFailsThatRequestAndTheNextRequestIsStoredAndAnswered() {
        Http http = new Http(port);
        String failing = "error-" + UUID.randomUUID();
        String next = "after-error-" + UUID.randomUUID();
        store.failNextWith(new Error("injected into the write"));

        Http.Response failed = http.postJson("/v1/assessments", assessment(failing));
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.contentType()).startsWith("application/problem+json");
        assertThat(stored(failing)).isZero();

        Http.Response created = http.postJson("/v1/assessments", assessment(next));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(stored(next)).isEqualTo(1);
        assertThat(http.get(created.header("Location")).status()).isEqualTo(200);
    }

    @Test
    void aGroupThatFailsWithAnErrorFailsEachOfItsRequestsWithItAndNoOther() throws Exception {
        Error injected = new Error("injected into one write of the group");
        String innocent = "innocent-" + UUID.randomUUID();
        String later = "later-" + UUID.randomUUID();
        CompletableFuture<Throwable> breaking;
        CompletableFuture<Throwable> sharing;
        CountDownLatch release = holdTheWriter();
        try {
            // Both wait behind the held write, so the writer takes them as one group.
            breaking = CompletableFuture.supplyAsync(
                    () -> catchThrowable(() -> commits.commit(() -> {
                        throw injected;
                    })),
                    callers);
            sharing =
                    CompletableFuture.supplyAsync(() -> catchThrowable(() -> commits.commit(mark(innocent))), callers);
            await().atMost(Duration.ofSeconds(2)).until(() -> commits.waiting() == 2);
        } finally {
            release.countDown();
        }
        assertThat(breaking.get(10, TimeUnit.SECONDS)).cause().isSameAs(injected);
        assertThat(sharing.get(10, TimeUnit.SECONDS))
                .as("the other write of the failed group")
                .cause()
                .isSameAs(injected);
        assertThat(marked(innocent))
                .as("the failed group's transaction was rolled back")
                .isFalse();

        commits.commit(mark(later));
        assertThat(marked(later)).as("the writer goes on").isTrue();
    }

    /**
     * A group the store fails (here: the store goes away during the first write of three) fails
     * as a whole, at once: each request is answered 503 saying nothing was stored, none is
     * retried on its own (the injected failure is one-shot: a retry would have stored it).
     */
    @Test
    void aGroupTheStoreFailsFailsAsAWholeAtOnceEachAnswered503NothingStored() throws Exception {
        Http http = new Http(port);
        List<String> organizations =
                List.of("group-a-" + UUID.randomUUID(), "group-b-" + UUID.randomUUID(), "group-c-" + UUID.randomUUID());
        List<CompletableFuture<Http.Response>> answers = new ArrayList<>();
        CountDownLatch release = holdTheWriter();
        try {
            for (String organization : organizations) {
                answers.add(CompletableFuture.supplyAsync(
                        () -> http.postJson("/v1/assessments", assessment(organization)), callers));
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> commits.waiting() == organizations.size());
            store.failNextWith(new DataAccessResourceFailureException("injected: the store went away"));
        } finally {
            release.countDown();
        }
        for (CompletableFuture<Http.Response> answer : answers) {
            Http.Response response = answer.get(10, TimeUnit.SECONDS);
            assertThat(response.status()).as(response.body()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("3");
            assertThat(response.json().path("type").asString()).isEqualTo("urn:kakunin:problem:store-unavailable");
            assertThat(response.json().path("detail").asString()).contains("nothing was stored");
        }
        organizations.forEach(o -> assertThat(stored(o)).as(o).isZero());
    }

    @Test
    void aRequestWhoseWriteWasNotTakenInTimeIsAnswered503AndNothingIsStored() throws Exception {
        Http http = new Http(port);
        String organization = "waited-" + UUID.randomUUID();
        Http.Response busy;
        CountDownLatch release = holdTheWriter();
        try {
            // Answered while the writer is still held: the request did not wait for it.
            busy = http.postJson("/v1/assessments", assessment(organization));
        } finally {
            release.countDown();
        }
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.contentType()).startsWith("application/problem+json");
        assertThat(busy.json().path("type").asString()).isEqualTo("urn:kakunin:problem:busy");
        assertThat(busy.json().path("detail").asString()).contains("nothing was stored");
        assertThat(busy.header("Retry-After")).isEqualTo("3");

        Http.Response created = http.postJson("/v1/assessments", assessment(organization));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(stored(organization))
                .as("the withdrawn write was never made")
                .isEqualTo(1);
    }

    @Test
    void aWriteTakenButNotCommittedInTimeIsAnsweredAsUnknownAndMayStillBeCommitted() throws Exception {
        String key = "unknown-" + UUID.randomUUID();
        CountDownLatch release = new CountDownLatch(1);
        Runnable slowWrite = () -> {
            mark(key).run();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            assertThatThrownBy(() -> commits.commit(slowWrite))
                    .isInstanceOf(io.kakunin.service.web.ApiProblem.class)
                    .hasMessageContaining("the outcome is unknown")
                    .hasMessageContaining("same Idempotency-Key");
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> marked(key));
    }
}
