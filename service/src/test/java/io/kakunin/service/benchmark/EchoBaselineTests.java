package io.kakunin.service.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.service.Http;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP benchmark's baseline does what its ratio assumes (reads, validates and returns the
 * body under the same security as the real endpoint) and exists only in the benchmark profile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"test", "benchmark"})
class EchoBaselineTests {

    @LocalServerPort
    int port;

    @Test
    void theBaselineReturnsTheParsedBodyAndRefusesWhatTheRealEndpointRefuses() throws Exception {
        String body = Files.readString(Fixtures.root()
                .resolve("product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant/request.json"));
        Http http = new Http(port);
        Http.Response echoed = http.postJson("/benchmark/echo", body);
        assertThat(echoed.status()).isEqualTo(200);
        JsonNode sent = JsonMapper.builder().build().readTree(body);
        assertThat(echoed.json().path("products").size())
                .isEqualTo(sent.path("products").size());
        assertThat(echoed.json().path("organization").path("id"))
                .isEqualTo(sent.path("organization").path("id"));

        assertThat(http.as(null).postJson("/benchmark/echo", body).status()).isEqualTo(401);
        Http.Response invalid = http.postJson(
                "/benchmark/echo",
                "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"NONE_OF_THESE\"}]}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("/products/0/defaultPasswordPolicy");
    }
}
