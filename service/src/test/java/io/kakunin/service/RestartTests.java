package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** A verdict stored in the embedded database in file mode is there after the service restarts. */
class RestartTests {

    @TempDir
    Path data;

    private ConfigurableApplicationContext start() {
        // Command-line arguments, so that they win over application.yaml (builder properties would not).
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:file:"
                        + data.resolve("kakunin").toAbsolutePath(),
                "--logging.level.root=WARN"));
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
}
