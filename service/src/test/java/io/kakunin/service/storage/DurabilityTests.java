package io.kakunin.service.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kakunin.service.Http;
import io.kakunin.service.KakuninApplication;
import io.kakunin.service.TestKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A 201 means committed: the service process is killed (SIGKILL, no shutdown of any kind)
 * while clients are sending assessments, started again on the same store, and every
 * assessment that was acknowledged is there, whole. On the embedded H2 default, exactly as
 * shipped (the service's working directory holds ./data), and on PostgreSQL.
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

    private void killWhileSubmittingAndCheck(List<String> database) throws Exception {
        Map<String, JsonNode> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger failedAfterKill = new AtomicInteger();
        Service first = Service.start(work, database);
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

        Service second = Service.start(work, database);
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

    /** The service in a process of its own, so that it can be killed for real. */
    record Service(Process process, int port) {

        static Service start(Path workingDirectory, List<String> database) throws Exception {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx512m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    KakuninApplication.class.getName(),
                    "--server.port=" + port,
                    "--logging.level.root=WARN"));
            command.addAll(database);
            command.addAll(TestKeys.arguments());
            Process process = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            workingDirectory.resolve("service.log").toFile()))
                    .start();
            Http http = new Http(port).as(null);
            try {
                await("the service to start")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            if (!process.isAlive()) {
                                throw new IllegalStateException(
                                        "the service exited; see " + workingDirectory.resolve("service.log"));
                            }
                            try {
                                return http.get("/actuator/health").status() == 200;
                            } catch (RuntimeException e) {
                                return false; // not listening yet
                            }
                        });
            } catch (ConditionTimeoutException e) {
                process.destroyForcibly();
                throw new IllegalStateException("the service did not start within 120 s");
            }
            return new Service(process, port);
        }

        /** SIGKILL: no shutdown hook, no graceful stop, no flush. */
        void kill() throws InterruptedException, IOException {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
