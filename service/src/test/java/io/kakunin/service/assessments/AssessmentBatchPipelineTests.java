package io.kakunin.service.assessments;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import io.kakunin.service.storage.BulkInsert;
import io.kakunin.service.storage.Idempotency;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The batch as a pipeline: lines are evaluated in parallel and chunks stored while later ones
 * are evaluated, yet every result line comes back in the input's order and answers its own line;
 * a chunk that fails in the storage stage is answered on its lines alone, and the chunks before
 * and after it are stored and answered as if nothing had happened. Faults are injected in the real
 * store, through the container.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class AssessmentBatchPipelineTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

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
    JdbcTemplate jdbc;

    @AfterEach
    void noFaultLeftArmed() {
        store.reset();
    }

    /** A line for organization {@code org} with {@code products} products, the first failing PS-4.2. */
    private static String line(String org, int products) {
        StringBuilder line = new StringBuilder("{\"organization\":{\"id\":\"" + org + "\"},\"products\":[");
        for (int p = 0; p < products; p++) {
            line.append(p == 0 ? "" : ",")
                    .append("{\"id\":\"p")
                    .append(p)
                    .append("\",\"defaultPasswordPolicy\":\"")
                    .append(p == 0 ? "SHARED" : "UNIQUE_PER_DEVICE")
                    .append("\"}");
        }
        return line.append("]}").toString();
    }

    private List<JsonNode> batch(List<String> lines) {
        Http.Response response = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .send(
                        "POST",
                        "/v1/assessments:batch",
                        "application/x-ndjson",
                        (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.body().lines().map(JSON::readTree).toList();
    }

    private int stored(String prefix) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM assessment WHERE organization_id LIKE ?", Integer.class, prefix + "-%");
    }

    /**
     * Lines that cost 50 times more than their neighbours (50 products against one), bad lines
     * that cost nothing, over several chunks: evaluated in parallel, answered in order, each result
     * line its own line's.
     */
    @Test
    void resultLinesKeepTheInputOrderWhateverEachLineCosts() {
        String prefix = "order-" + UUID.randomUUID().toString().substring(0, 8);
        int n = 5 * AssessmentBatch.CHUNK + 7;
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String org = prefix + "-" + i;
            lines.add(
                    i % 13 == 0
                            ? "{\"organization\":{\"id\":\"" + org + "\"},\"products\":["
                            : i % 17 == 0
                                    ? line(org, 1).replace("\"products\"", "\"prodcuts\"")
                                    : line(org, i % 7 == 1 ? 50 : 1));
        }
        List<JsonNode> results = batch(lines);
        assertThat(results).hasSize(n);
        int good = 0;
        for (int i = 1; i <= n; i++) {
            JsonNode result = results.get(i - 1);
            assertThat(result.path("line").asInt()).isEqualTo(i);
            if (i % 13 == 0 || i % 17 == 0) {
                assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(400);
            } else {
                good++;
                assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(201);
                assertThat(result.path("organizationId").asString()).isEqualTo(prefix + "-" + i);
                assertThat(result.path("counts").path("fail").asInt())
                        .as("line %d", i)
                        .isGreaterThanOrEqualTo(1);
            }
        }
        assertThat(stored(prefix)).isEqualTo(good);
    }

    /**
     * A failure of the storage stage that is not the store's (a bug, a write that throws) fails
     * its chunk's lines with 500, nothing of that chunk stored; the chunks around it are stored.
     */
    @Test
    void aChunkThatFailsInTheStorageStageIsAnsweredOnItsLinesAndTheBatchGoesOn() {
        String prefix = "chunk-500-" + UUID.randomUUID().toString().substring(0, 8);
        int n = 3 * AssessmentBatch.CHUNK + 5;
        store.failWriteOf(prefix + "-100", new IllegalStateException("injected into the second chunk's write"));
        List<JsonNode> results = batch(lines(prefix, n));
        assertThat(results).hasSize(n);
        for (int i = 1; i <= n; i++) {
            JsonNode result = results.get(i - 1);
            assertThat(result.path("line").asInt()).isEqualTo(i);
            if (inSecondChunk(i)) {
                assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(500);
                assertThat(result.path("problem").path("detail").asString()).contains("it was not stored");
            } else {
                assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(201);
            }
        }
        assertThat(stored(prefix)).isEqualTo(n - AssessmentBatch.CHUNK);
    }

    /** The same with the store failing: the chunk's lines are 503, saying nothing was stored, and the batch goes on. */
    @Test
    void aChunkTheStoreFailsIsAnswered503OnItsLinesAndTheBatchGoesOn() {
        String prefix = "chunk-503-" + UUID.randomUUID().toString().substring(0, 8);
        int n = 3 * AssessmentBatch.CHUNK + 5;
        store.failWriteOf(prefix + "-100", new DataAccessResourceFailureException("injected: the store went away"));
        List<JsonNode> results = batch(lines(prefix, n));
        for (int i = 1; i <= n; i++) {
            JsonNode result = results.get(i - 1);
            assertThat(result.path("line").asInt()).isEqualTo(i);
            if (inSecondChunk(i)) {
                assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(503);
                assertThat(result.path("problem").path("type").asString())
                        .isEqualTo("urn:kakunin:problem:store-unavailable");
                assertThat(result.path("problem").path("detail").asString()).contains("nothing was stored");
            } else {
                assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(201);
            }
        }
        assertThat(stored(prefix)).isEqualTo(n - AssessmentBatch.CHUNK);
    }

    /** An {@link Error} in the storage stage is that chunk's alone as well. */
    @Test
    void anErrorInTheStorageStageFailsOnlyItsChunk() {
        String prefix = "chunk-error-" + UUID.randomUUID().toString().substring(0, 8);
        int n = 3 * AssessmentBatch.CHUNK + 5;
        store.failWriteOf(prefix + "-100", new StackOverflowError("injected"));
        List<JsonNode> results = batch(lines(prefix, n));
        assertThat(results).extracting(r -> r.path("status").asInt()).containsOnly(201, 500);
        assertThat(results.stream().filter(r -> r.path("status").asInt() == 500))
                .extracting(r -> r.path("line").asInt())
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.rangeClosed(AssessmentBatch.CHUNK + 1, 2 * AssessmentBatch.CHUNK)
                                .boxed()
                                .toList());
        assertThat(stored(prefix)).isEqualTo(n - AssessmentBatch.CHUNK);
    }

    private static boolean inSecondChunk(int line) {
        return line > AssessmentBatch.CHUNK && line <= 2 * AssessmentBatch.CHUNK;
    }

    private static List<String> lines(String prefix, int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            lines.add(line(prefix + "-" + i, 1));
        }
        return lines;
    }
}
