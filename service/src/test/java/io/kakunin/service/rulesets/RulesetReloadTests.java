package io.kakunin.service.rulesets;

import io.kakunin.kb.Ruleset;
import io.kakunin.service.Http;
import io.kakunin.service.RulesDirectory;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deployments without a watcher publish with POST /v1/rulesets/reload and get the decision in the answer. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RulesetReloadTests {

    @TempDir
    static Path work;

    static RulesDirectory rules;
    static ConfigurableApplicationContext service;
    static Http http;

    @BeforeAll
    static void start() {
        rules = RulesDirectory.export(work.resolve("rules"), name -> name.contains("/scenario-"));
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

    @Test
    @Order(1)
    void reloadingAnUnchangedDirectoryChangesNothingAndRecordsNothing() {
        assertThat(http.get("/v1/rulesets/active").json().path("watching").asBoolean()).isFalse();
        Http.Response response = reload();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("outcome").asString()).isEqualTo("UNCHANGED");
        assertThat(response.json().path("revision").asString()).isEqualTo(Ruleset.builtIn().revision());
        assertThat(http.get("/v1/rulesets").json().path("items")).hasSize(1);
    }

    @Test
    @Order(2)
    void withoutAWatcherAnEditWaitsForTheReload() throws InterruptedException {
        rules.replace("messages_en.properties", "PS-4.2.title=No default password shared across devices",
                "PS-4.2.title=No default password shared between devices");
        Thread.sleep(1500);
        assertThat(http.get("/v1/rulesets/active").json().path("revision").asString()).isEqualTo(Ruleset.builtIn().revision());

        Http.Response response = reload();
        assertThat(response.status()).isEqualTo(200);
        JsonNode event = response.json();
        assertThat(event.path("outcome").asString()).isEqualTo("ACTIVATED");
        assertThat(event.path("trigger").asString()).isEqualTo("RELOAD");
        assertThat(event.path("revision").asString()).isEqualTo(rules.revision());
        assertThat(event.path("fixtureCount").asInt()).isEqualTo(12);
        Http.Response verdict = http.postJson("/v1/assessments",
                "{\"organization\":{\"id\":\"acme\"},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\"}]}");
        assertThat(verdict.body()).contains("No default password shared between devices").contains(rules.revision());
    }

    @Test
    @Order(3)
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
        assertThat(problem.path("detail").asString()).contains(serving + " keeps serving").contains("sharing/nda.drl:" + line + ":");
        assertThat(problem.path("revision").asString()).isEqualTo(rules.revision());
        assertThat(problem.path("diagnostics")).isNotEmpty().allSatisfy(d -> {
            assertThat(d.path("file").asString()).isNotBlank();
            assertThat(d.path("severity").asString()).isEqualTo("ERROR");
        });
        assertThat(problem.path("diagnostics").get(0).path("file").asString()).isEqualTo("sharing/nda.drl");
        assertThat(problem.path("diagnostics").get(0).path("line").asInt()).isEqualTo(line);
        assertThat(http.get("/v1/rulesets/active").json().path("revision").asString()).isEqualTo(serving);
        assertThat(http.get("/v1/rulesets").json().path("items").get(0).path("outcome").asString()).isEqualTo("REFUSED");
    }

    @Test
    @Order(4)
    void aServiceIsNotStartedOnABrokenDirectory() {
        RulesDirectory broken = RulesDirectory.export(work.resolve("broken"), name -> false);
        int line = broken.lineOf("product/support.drl", "rule \"");
        broken.replace("product/support.drl", "rule \"", "rul \"");
        assertThatThrownBy(() -> broken.start().close())
                .rootCause()
                .hasMessageContaining("is refused")
                .hasMessageContaining("product/support.drl:" + line + ":");
    }

    @Test
    @Order(5)
    void aServiceIsNotStartedOnAMissingDirectory() {
        assertThatThrownBy(() -> new RulesDirectoryStarter(work.resolve("does-not-exist")).start())
                .rootCause().hasMessageContaining("does-not-exist is not a directory");
    }

    /** Starts the service on a path that may not exist. */
    private record RulesDirectoryStarter(Path path) {
        void start() {
            new org.springframework.boot.builder.SpringApplicationBuilder(io.kakunin.service.KakuninApplication.class)
                    .run("--server.port=0", "--kakunin.rules.path=" + path, "--logging.level.root=OFF",
                            "--spring.datasource.url=jdbc:h2:mem:missing;DB_CLOSE_DELAY=-1").close();
        }
    }
}
