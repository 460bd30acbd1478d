package io.kakunin.service.rulesets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.service.Http;
import io.kakunin.service.RulesDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The acceptance test of publishing without downtime: while several clients submit
 * assessments without pause, an officer saves 20 edits that alternate between good and
 * broken. No response may fail or be cut short, and every response names the revision that
 * decided it, which must be one that was activated, never a refused one.
 * {@code scripts/reload-under-load.sh} runs the same against the packaged service.
 */
class ReloadUnderLoadTests {

    private static final int CLIENTS = 4;
    private static final int EDITS = 20;
    private static final String FILE = "product/policy.drl";

    @TempDir
    Path work;

    @Test
    void twentyAlternatingGoodAndBrokenEditsUnderLoadFailNoRequest() throws Exception {
        RulesDirectory rules = RulesDirectory.export(work.resolve("rules"), name -> name.contains("/scenario-"));
        String original = rules.read(FILE);
        String body = Files.readString(
                Fixtures.root().resolve("product-security/ps-4.2-shared-default-password-fails/request.json"));
        Set<String> activated = ConcurrentHashMap.newKeySet();
        activated.add(rules.revision());
        Set<String> refused = ConcurrentHashMap.newKeySet();

        try (ConfigurableApplicationContext service = rules.start("kakunin.rules.watch-quiet-period=200ms")) {
            Http http = new Http(RulesDirectory.port(service));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger responses = new AtomicInteger();
            Map<String, AtomicInteger> byRevision = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running_clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running_clients.add(clients.submit(() -> {
                    while (running.get()) {
                        try {
                            Http.Response response = http.postJson("/v1/assessments", body);
                            JsonNode verdict = response.json();
                            String revision =
                                    verdict.path("ruleset").path("revision").asString();
                            if (response.status() != 201
                                    || verdict.path("results").isEmpty()
                                    || revision.isEmpty()) {
                                failures.add(response.status() + " " + response.body());
                            } else {
                                byRevision
                                        .computeIfAbsent(revision, r -> new AtomicInteger())
                                        .incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                        responses.incrementAndGet();
                    }
                }));
            }

            List<Long> goodMillis = new ArrayList<>();
            List<Long> brokenMillis = new ArrayList<>();
            String good = original;
            for (int edit = 1; edit <= EDITS; edit++) {
                awaitRequestsServed(responses);
                if (edit % 2 == 1) {
                    good = original + "\n// edit " + edit + ": reviewed by the compliance office\n";
                    rules.write(FILE, good);
                    String expected = rules.revision();
                    Duration took = RulesDirectory.awaitActive(
                            http, a -> a.path("revision").asString().equals(expected), Duration.ofSeconds(90));
                    activated.add(expected);
                    goodMillis.add(took.toMillis());
                    await("a request decided by " + expected)
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> byRevision.containsKey(expected));
                } else {
                    rules.write(
                            FILE,
                            good + "\nrule \"broken by edit " + edit
                                    + "\"\nwhen\n    $o : Organization( \nthen\nend\n");
                    String expected = rules.revision();
                    String serving = http.get("/v1/rulesets/active")
                            .json()
                            .path("revision")
                            .asString();
                    Duration took = RulesDirectory.awaitActive(
                            http,
                            a -> a.path("lastRefusal")
                                    .path("revision")
                                    .asString()
                                    .equals(expected),
                            Duration.ofSeconds(90));
                    assertThat(http.get("/v1/rulesets/active")
                                    .json()
                                    .path("revision")
                                    .asString())
                            .isEqualTo(serving);
                    refused.add(expected);
                    brokenMillis.add(took.toMillis());
                }
            }
            awaitRequestsServed(responses);
            running.set(false);
            for (Future<?> f : running_clients) {
                f.get();
            }
            clients.shutdown();

            System.out.printf(
                    "[measure] %d responses from %d clients during %d edits; by revision: %s%n",
                    responses.get(), CLIENTS, EDITS, new TreeMap<>(byRevision));
            System.out.printf(
                    "[measure] good edit to active (ms): %s; broken edit to refusal shown (ms): %s%n",
                    goodMillis, brokenMillis);
            assertThat(failures).as("failed or truncated responses").isEmpty();
            assertThat(byRevision.keySet())
                    .as("every response names an activated revision")
                    .isSubsetOf(activated)
                    .doesNotContainAnyElementsOf(refused);
            assertThat(byRevision.keySet())
                    .as("the revision switched while requests were being served")
                    .hasSizeGreaterThan(EDITS / 4);
            assertThat(byRevision.values().stream().mapToInt(AtomicInteger::get).sum())
                    .isEqualTo(responses.get());
            assertThat(activated).hasSize(EDITS / 2 + 1);
            assertThat(refused).hasSize(EDITS / 2);

            JsonNode events = http.get("/v1/rulesets?limit=500").json().path("items");
            assertThat(events).hasSize(EDITS + 1);
            assertThat(events)
                    .extracting(e -> e.path("revision").asString())
                    .containsAll(activated)
                    .containsAll(refused);
        }
    }

    /** Lets every client be answered at least once more, so that edits fall between requests. */
    private static void awaitRequestsServed(AtomicInteger responses) {
        int served = responses.get();
        await("requests served between two edits")
                .atMost(Duration.ofSeconds(60))
                .until(() -> responses.get() >= served + CLIENTS);
    }
}
