package io.kakunin.service.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A 201 means committed: the service process is killed (SIGKILL, no shutdown of any kind)
 * while clients are sending assessments, started again on the same store, and every
 * assessment that was acknowledged is there, whole. On the embedded H2 default, exactly as
 * shipped (the service's working directory holds ./data), and on PostgreSQL. And a batch cut off
 * by the kill is retried as the API guide says (every line without a result line resent, with
 * its key) and each of its lines is stored exactly once.
 */
class DurabilityTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CLIENTS = 4;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 150;

    @TempDir
    Path work;

    @Test
    void noAcknowledgedAssessmentIsLostOnTheEmbeddedDatabase() throws Exception {
        killWhileSubmittingAndCheck(List.of());
    }

    @Test
    void noAcknowledgedAssessmentIsLostOnPostgreSql() throws Exception {
        String url = Postgres.newDatabase();
        killWhileSubmittingAndCheck(List.of(
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + Postgres.user(),
                "--spring.datasource.password=" + Postgres.password()));
    }

    @Test
    void aBatchCutOffByAKillIsResentLineByLineAndEachLineIsStoredExactlyOnce() throws Exception {
        String url = Postgres.newDatabase();
        List<String> database = List.of(
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + Postgres.user(),
                "--spring.datasource.password=" + Postgres.password());
        JdbcTemplate direct = new JdbcTemplate(new DriverManagerDataSource(url, Postgres.user(), Postgres.password()));
        String prefix = "cut-batch-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= BATCH_LINES; i++) {
            String key = prefix + "-" + i;
            lines.add("{\"idempotencyKey\":\"" + key + "\",\"organization\":{\"id\":\"" + key
                    + "\"},\"products\":[{\"id\":\"cam\",\"defaultPasswordPolicy\":\"SHARED\"}]}");
        }

        ServiceProcess first = ServiceProcess.start(work, database);
        Map<Integer, JsonNode> answered = new ConcurrentHashMap<>();
        HttpResponse<Stream<String>> streaming =
                HTTP.send(batchRequest(first.port(), lines), HttpResponse.BodyHandlers.ofLines());
        assertThat(streaming.statusCode()).isEqualTo(200);
        try (Stream<String> results = streaming.body()) {
            Iterator<String> it = results.iterator();
            while (it.hasNext()) {
                JsonNode result = JSON.readTree(it.next());
                answered.put(result.path("line").asInt(), result);
                if (answered.size() == RESULTS_BEFORE_KILL) {
                    first.kill();
                }
            }
        } catch (UncheckedIOException e) {
            // the response was cut off by the kill
        }
        first.kill();
        int storedAtKill = count(direct, prefix);
        List<Integer> resend = new ArrayList<>();
        for (int i = 1; i <= BATCH_LINES; i++) {
            JsonNode result = answered.get(i);
            if (result == null || result.path("status").asInt() != 201) {
                resend.add(i);
            }
        }
        assertThat(resend).as("lines without a result line").isNotEmpty();

        ServiceProcess second = ServiceProcess.start(work, database);
        try {
            List<JsonNode> again = send(
                    second.port(), resend.stream().map(i -> lines.get(i - 1)).toList());
            assertThat(again)
                    .hasSize(resend.size())
                    .allSatisfy(r -> assertThat(r.path("status").asInt())
                            .as(r.toString())
                            .isEqualTo(201));
            long replayed =
                    again.stream().filter(r -> r.path("replayed").asBoolean()).count();
            System.out.printf(
                    "[measure] batch of %d lines cut off by SIGKILL after %d result lines: %d lines stored then, "
                            + "%d resent, of which %d had been stored without a result line (answered as replays)%n",
                    BATCH_LINES, answered.size(), storedAtKill, resend.size(), replayed);
            assertThat(replayed)
                    .as("the lines stored before the kill are exactly those answered as replays when resent")
                    .isEqualTo(storedAtKill
                            - answered.values().stream()
                                    .filter(r -> r.path("status").asInt() == 201)
                                    .count());
            assertThat(count(direct, prefix)).as("each line stored").isEqualTo(BATCH_LINES);
            assertThat(direct.queryForList(
                            "SELECT organization_id FROM assessment WHERE organization_id LIKE ? "
                                    + "GROUP BY organization_id HAVING COUNT(*) > 1",
                            String.class,
                            prefix + "-%"))
                    .as("lines stored twice")
                    .isEmpty();

            // Any subset sent again, the whole batch included, stores nothing new.
            List<JsonNode> whole = send(second.port(), lines);
            assertThat(whole)
                    .hasSize(BATCH_LINES)
                    .allSatisfy(r -> assertThat(r.path("replayed").asBoolean())
                            .as(r.toString())
                            .isTrue());
            assertThat(count(direct, prefix)).isEqualTo(BATCH_LINES);
        } finally {
            second.kill();
        }
    }

    private static final int BATCH_LINES = 3000;
    private static final int RESULTS_BEFORE_KILL = 300;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpRequest batchRequest(int port, List<String> lines) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/assessments:batch"))
                .header("Content-Type", "application/x-ndjson")
                .header("X-API-Key", TestKeys.ALL)
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n"))
                .build();
    }

    private static List<JsonNode> send(int port, List<String> lines) throws Exception {
        HttpResponse<String> response = HTTP.send(batchRequest(port, lines), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body().lines().map(JSON::readTree).toList();
    }

    private static int count(JdbcTemplate direct, String prefix) {
        return direct.queryForObject(
                "SELECT COUNT(*) FROM assessment WHERE organization_id LIKE ?", Integer.class, prefix + "-%");
    }

    private void killWhileSubmittingAndCheck(List<String> database) throws Exception {
        Map<String, JsonNode> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger failedAfterKill = new AtomicInteger();
        ServiceProcess first = ServiceProcess.start(work, database);
        Http http = new Http(first.port());
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                int n = 0;
                while (sending.get()) {
                    String body = "{\"organization\":{\"id\":\"client-" + client + "\"},\"products\":[{\"id\":\"p"
                            + (n++) + "\",\"defaultPasswordPolicy\":\"SHARED\"}]}";
                    try {
                        Http.Response r = http.postJson("/v1/assessments", body);
                        if (r.status() == 201) {
                            JsonNode verdict = r.json();
                            acknowledged.put(verdict.path("id").asString(), verdict);
                        }
                    } catch (RuntimeException e) {
                        failedAfterKill.incrementAndGet();
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        await("assessments acknowledged before the kill")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL);
        first.kill();
        await("every client to meet the killed service")
                .atMost(Duration.ofSeconds(60))
                .until(() -> failedAfterKill.get() >= CLIENTS);
        sending.set(false);
        for (Thread t : clients) {
            t.join();
        }
        assertThat(acknowledged.size())
                .as("assessments acknowledged before the kill")
                .isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);

        ServiceProcess second = ServiceProcess.start(work, database);
        try {
            Http again = new Http(second.port());
            List<String> lost = new ArrayList<>();
            for (Map.Entry<String, JsonNode> ack : acknowledged.entrySet()) {
                Http.Response fetched = again.get("/v1/assessments/" + ack.getKey());
                if (fetched.status() != 200 || !fetched.json().equals(ack.getValue())) {
                    lost.add(ack.getKey() + " -> " + fetched.status());
                }
            }
            System.out.printf(
                    "[measure] %d acknowledged before SIGKILL, %d lost, %d requests cut off by the kill%n",
                    acknowledged.size(), lost.size(), failedAfterKill.get());
            assertThat(lost)
                    .as("acknowledged assessments missing or changed after the kill")
                    .isEmpty();
        } finally {
            second.kill();
        }
    }
}
