package io.kakunin.service.rulesets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kakunin.kb.Ruleset;
import io.kakunin.service.Http;
import io.kakunin.service.RulesDirectory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Deployments without a watcher publish with POST /v1/rulesets/reload and get the decision in the
 * answer. The tests share one service but not their state: each starts from the exported rules,
 * reloaded.
 */
class RulesetReloadTests {

    @TempDir
    static Path work;

    static RulesDirectory rules;
    /** The rules as exported, which every test starts from. */
    static Path original;

    static ConfigurableApplicationContext service;
    static Http http;

    @BeforeAll
    static void start() {
        rules = RulesDirectory.export(work.resolve("rules"), name -> name.contains("/scenario-"));
        original = RulesDirectory.export(work.resolve("original"), name -> name.contains("/scenario-"))
                .root();
        service = rules.start("kakunin.rules.watch=false");
        http = new Http(RulesDirectory.port(service));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static Http.Response reload() {
        return http.send("POST", "/v1/rulesets/reload", null, null);
    }

    private static String activeRevision() {
        return http.get("/v1/rulesets/active").json().path("revision").asString();
    }

    private static int recordedEvents() {
        return http.get("/v1/rulesets?limit=500").json().path("items").size();
    }

    @BeforeEach
    void startFromTheExportedRules() {
        rules.revertTo(original);
        assertThat(reload().status()).isEqualTo(200);
        assertThat(activeRevision()).isEqualTo(Ruleset.builtIn().revision());
    }

    @Test
    void reloadingAnUnchangedDirectoryChangesNothingAndRecordsNothing() {
        assertThat(http.get("/v1/rulesets/active").json().path("watching").asBoolean())
                .isFalse();
        int events = recordedEvents();
        Http.Response response = reload();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("outcome").asString()).isEqualTo("UNCHANGED");
        assertThat(response.json().path("revision").asString())
                .isEqualTo(Ruleset.builtIn().revision());
        assertThat(recordedEvents()).isEqualTo(events);
    }

    @Test
    void withoutAWatcherAnEditWaitsForTheReload() {
        rules.replace(
                "messages_en.properties",
                "PS-4.2.title=No default password shared across devices",
                "PS-4.2.title=No default password shared between devices");
        // Several times a watcher's quiet period (300 ms by default): nothing picks the edit up.
        await("the edit to stay unpublished")
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> activeRevision().equals(Ruleset.builtIn().revision()));

        Http.Response response = reload();
        assertThat(response.status()).isEqualTo(200);
        JsonNode event = response.json();
        assertThat(event.path("outcome").asString()).isEqualTo("ACTIVATED");
        assertThat(event.path("trigger").asString()).isEqualTo("RELOAD");
        assertThat(event.path("revision").asString()).isEqualTo(rules.revision());
        assertThat(event.path("fixtureCount").asInt()).isEqualTo(14);
        Http.Response verdict = http.postJson(
                "/v1/assessments",
                "{\"organization\":{\"id\":\"acme\"},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\"}]}");
        assertThat(verdict.body())
                .contains("No default password shared between devices")
                .contains(rules.revision());
    }

    @Test
    void aRefusedReloadAnswers422WithEveryDiagnosticAndKeepsTheRevision() {
        String serving = rules.revision();
        int line = rules.lineOf("sharing/nda.drl", "rule \"");
        rules.replace("sharing/nda.drl", "rule \"", "rul \"");
        rules.replace("messages_zh_TW.properties", "PS-4.2.title=", "PS-4.2.titel=");

        Http.Response response = reload();
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.path("type").asString()).isEqualTo("urn:kakunin:problem:ruleset-refused");
        assertThat(problem.path("detail").asString())
                .contains(serving + " keeps serving")
                .contains("sharing/nda.drl:" + line + ":");
        assertThat(problem.path("revision").asString()).isEqualTo(rules.revision());
        assertThat(problem.path("diagnostics")).isNotEmpty().allSatisfy(d -> {
            assertThat(d.path("file").asString()).isNotBlank();
            assertThat(d.path("severity").asString()).isEqualTo("ERROR");
        });
        assertThat(problem.path("diagnostics").get(0).path("file").asString()).isEqualTo("sharing/nda.drl");
        assertThat(problem.path("diagnostics").get(0).path("line").asInt()).isEqualTo(line);
        assertThat(http.get("/v1/rulesets/active").json().path("revision").asString())
                .isEqualTo(serving);
        assertThat(http.get("/v1/rulesets")
                        .json()
                        .path("items")
                        .get(0)
                        .path("outcome")
                        .asString())
                .isEqualTo("REFUSED");
    }

    @Test
    void aServiceIsNotStartedOnABrokenDirectory() {
        RulesDirectory broken = RulesDirectory.export(work.resolve("broken"), name -> false);
        int line = broken.lineOf("product/support.drl", "rule \"");
        broken.replace("product/support.drl", "rule \"", "rul \"");
        // The refusal is in the exception; the log of a start refused on purpose is not the build's.
        java.util.List<String> quiet = new java.util.ArrayList<>(io.kakunin.service.LogCapture.failingStart());
        quiet.add("logging.level.io.kakunin.service.rulesets=ERROR");
        assertThatThrownBy(() -> broken.start(quiet.toArray(String[]::new)).close())
                .rootCause()
                .hasMessageContaining("is refused")
                .hasMessageContaining("product/support.drl:" + line + ":");
    }

    @Test
    void aServiceIsNotStartedOnAMissingDirectory() {
        assertThatThrownBy(() -> new RulesDirectoryStarter(work.resolve("does-not-exist")).start())
                .rootCause()
                .hasMessageContaining("does-not-exist is not a directory");
    }

    /** Starts the service on a path that may not exist. */
    private record RulesDirectoryStarter(Path path) {
        void start() {
            new org.springframework.boot.builder.SpringApplicationBuilder(io.kakunin.service.KakuninApplication.class)
                    .run(
                            "--server.port=0",
                            "--kakunin.rules.path=" + path,
                            "--logging.level.root=OFF",
                            "--spring.datasource.url=jdbc:h2:mem:missing;DB_CLOSE_DELAY=-1")
                    .close();
        }
    }
}
