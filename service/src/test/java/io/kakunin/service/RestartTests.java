package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.kb.Ruleset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A verdict stored in the embedded database in file mode is there after the service restarts, and
 * still replays identically when the same rules are served from elsewhere.
 */
class RestartTests {

    @TempDir
    Path data;

    private String database() {
        return "spring.datasource.url=jdbc:h2:file:" + data.resolve("kakunin").toAbsolutePath();
    }

    private ConfigurableApplicationContext start() {
        // Command-line arguments, so that they win over application.yaml (builder properties would not).
        java.util.List<String> args = new java.util.ArrayList<>(
                java.util.List.of("--server.port=0", "--" + database(), "--logging.level.root=WARN"));
        args.addAll(TestKeys.arguments());
        return new SpringApplicationBuilder(KakuninApplication.class).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Test
    void aStoredVerdictSurvivesARestart() {
        String location;
        JsonNode verdict;
        try (ConfigurableApplicationContext first = start()) {
            Http.Response created = new Http(port(first))
                    .postJson(
                            "/v1/assessments",
                            "{\"organization\":{\"id\":\"acme\"},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\"}]}");
            assertThat(created.status()).isEqualTo(201);
            location = created.header("Location");
            verdict = created.json();
        }
        try (ConfigurableApplicationContext second = start()) {
            String path = location.substring(location.indexOf("/v1/"));
            Http.Response fetched = new Http(port(second)).get(path);
            assertThat(fetched.status()).isEqualTo(200);
            assertThat(fetched.json()).isEqualTo(verdict);
        }
    }

    /**
     * The revision identifies the rules: a verdict decided by the built-in ruleset replays
     * identically when the same files are served from a rules directory (under the operator's
     * label), and the verdict still names where it was decided, by label, never by path.
     */
    @Test
    void aVerdictReplaysIdenticallyWhenItsRevisionIsServedFromARulesDirectory() {
        String path;
        try (ConfigurableApplicationContext builtIn = start()) {
            Http.Response created = new Http(port(builtIn))
                    .postJson(
                            "/v1/assessments",
                            "{\"organization\":{\"id\":\"acme\"},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\"}]}");
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.json().path("ruleset").path("source").asString()).isEqualTo("built-in");
            String location = created.header("Location");
            path = location.substring(location.indexOf("/v1/"));
        }
        RulesDirectory copy = RulesDirectory.export(data.resolve("live-rules"), name -> name.contains("/scenario-"));
        assertThat(copy.revision()).isEqualTo(Ruleset.builtIn().revision());
        try (ConfigurableApplicationContext fromDirectory =
                copy.start(database(), "kakunin.rules.watch=false", "kakunin.rules.label=release rules")) {
            Http auditor = new Http(port(fromDirectory)).as(TestKeys.AUDITOR);
            Http.Response replay = auditor.get(path + "/reevaluation");
            assertThat(replay.status()).as(replay.body()).isEqualTo(200);
            assertThat(replay.json().path("differences").toString()).isEqualTo("[]");
            assertThat(replay.json().path("identical").asBoolean()).isTrue();
            assertThat(replay.json()
                            .path("verdict")
                            .path("ruleset")
                            .path("source")
                            .asString())
                    .as("decided again by the rules served now, named by their label")
                    .isEqualTo("release rules");
            assertThat(auditor.get(path).json().path("ruleset").path("source").asString())
                    .as("the stored verdict names where it was decided")
                    .isEqualTo("built-in");
            assertThat(replay.body())
                    .doesNotContain(copy.root().toAbsolutePath().toString());
        }
    }
}
