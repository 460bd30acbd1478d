package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * A finished impact preview is kept for {@code kakunin.impact.keep}, then answered 410 (not 404:
 * it existed). Kept for no time at all here, so it is gone as soon as it finishes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "kakunin.impact.keep=PT0S")
@ActiveProfiles("test")
class ImpactExpiryTests {

    @LocalServerPort
    int port;

    @Test
    void aFinishedJobIsGoneOnceItsKeepHasPassed() {
        Http admin = new Http(port).as(TestKeys.RULE_ADMIN);
        String active = admin.get("/v1/rulesets/active").json().path("revision").asString();
        Http.Response started =
                admin.send("POST", "/v1/rulesets/impact?organizationId=nobody-at-all&revision=" + active, null, null);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String location = started.header("Location");

        Http.Response gone = await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> admin.get(location), r -> r.status() != 200);

        assertThat(gone.status()).as(gone.body()).isEqualTo(410);
        assertThat(gone.contentType()).startsWith("application/problem+json");
        assertThat(gone.json().path("detail").asString()).contains("no longer kept");
        assertThat(admin.send("POST", location + "/cancellation", null, null).status())
                .isEqualTo(410);
    }
}
