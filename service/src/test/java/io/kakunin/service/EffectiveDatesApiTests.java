package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.EffectiveDatesExample;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Effective dates over HTTP (issue 18): {@code asOf} on the single request and the batch, the
 * refusal of an instant in the past unless {@code allowPast=true}, the instant recorded in the
 * verdict and used again by its re-evaluation. The service runs on the worked example of
 * {@code test-fixtures/examples/effective-dates}: the built-in rules with PS-4.2 enforced from
 * 2024-04-28T23:00:00Z (an example date) and the example's fixtures, which the publication gate
 * verifies at start-up; the same running service warns before that instant and fails at it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class EffectiveDatesApiTests {

    @DynamicPropertySource
    static void rules(DynamicPropertyRegistry registry) throws java.io.IOException {
        java.nio.file.Path root = java.nio.file.Files.createTempDirectory("kakunin-effective-dates");
        RulesDirectory rules = RulesDirectory.export(root, name -> false);
        rules.write("catalog.yaml", EffectiveDatesExample.catalog(rules.read("catalog.yaml")));
        java.nio.file.Path from = EffectiveDatesExample.fixtures();
        try (var walk = java.nio.file.Files.walk(from)) {
            for (java.nio.file.Path file :
                    (Iterable<java.nio.file.Path>) walk.filter(java.nio.file.Files::isRegularFile)::iterator) {
                java.nio.file.Path target =
                        root.resolve("fixtures").resolve(from.relativize(file).toString());
                java.nio.file.Files.createDirectories(target.getParent());
                java.nio.file.Files.copy(file, target);
            }
        }
        registry.add("kakunin.rules.path", root::toString);
        registry.add("kakunin.rules.coverage-min", () -> "0");
    }

    private static final String BEFORE = "2024-04-28T22:59:59.999999Z";
    private static final String AT = "2024-04-28T23:00:00Z";

    @LocalServerPort
    int port;

    @Autowired
    Clock clock;

    private Http http() {
        return new Http(port);
    }

    private static String request(String organization) {
        return "{\"organization\":{\"id\":\"" + organization
                + "\"},\"products\":[{\"id\":\"cam\",\"defaultPasswordPolicy\":\"SHARED\"}]}";
    }

    private static String q(String instant) {
        return URLEncoder.encode(instant, StandardCharsets.UTF_8);
    }

    private static JsonNode ps42(JsonNode verdict) {
        for (JsonNode r : verdict.path("results")) {
            if (r.path("recommendationId").asString().equals("PS-4.2")) {
                return r;
            }
        }
        throw new AssertionError("no PS-4.2 in " + verdict);
    }

    @Test
    void anItemWarnsBeforeItsEffectiveFromAndFailsFromThatInstantOnWithoutAReload() {
        String org = "effective-" + System.nanoTime();
        Http.Response before = http().postJson(
                        "/v1/assessments?allowPast=true&asOf=" + q(BEFORE), request(org), "Accept-Language", "en");
        assertThat(before.status()).as(before.body()).isEqualTo(201);
        JsonNode warned = before.json();
        assertThat(warned.path("asOf").asString()).isEqualTo(BEFORE);
        assertThat(ps42(warned).path("outcome").asString()).isEqualTo("FAIL");
        assertThat(ps42(warned).path("effectiveOutcome").asString()).isEqualTo("WARN");
        assertThat(ps42(warned).path("effectiveFrom").asString()).isEqualTo(AT);
        assertThat(ps42(warned).path("message").asString())
                .contains("Apr 28, 2024")
                .contains("UTC");
        assertThat(warned.path("overallOutcome").asString()).isNotEqualTo("NON_COMPLIANT");
        assertThat(warned.path("counts").path("warned").asInt()).isEqualTo(1);

        Http.Response at = http().postJson("/v1/assessments?allowPast=true&asOf=" + q(AT), request(org));
        assertThat(at.status()).as(at.body()).isEqualTo(201);
        JsonNode enforced = at.json();
        assertThat(enforced.path("asOf").asString()).isEqualTo(AT);
        assertThat(ps42(enforced).path("effectiveOutcome").asString()).isEqualTo("FAIL");
        assertThat(enforced.path("overallOutcome").asString()).isEqualTo("NON_COMPLIANT");
        assertThat(enforced.path("counts").path("warned").asInt()).isZero();

        // Stored as evaluated, and evaluated again as of the same instant.
        JsonNode fetched =
                http().get(before.header("Location"), "Accept-Language", "ja").json();
        assertThat(fetched.path("asOf").asString()).isEqualTo(BEFORE);
        assertThat(ps42(fetched).path("effectiveOutcome").asString()).isEqualTo("WARN");
        assertThat(ps42(fetched).path("message").asString()).contains("（UTC）から適用されます");
        JsonNode again = http().get(before.header("Location") + "/reevaluation").json();
        assertThat(again.path("evaluatedAsOf").asString()).isEqualTo(BEFORE);
        assertThat(again.path("identical").asBoolean()).as(again.toString()).isTrue();
        assertThat(ps42(again.path("verdict")).path("effectiveOutcome").asString())
                .isEqualTo("WARN");
    }

    @Test
    void withoutAsOfTheVerdictIsAsOfItsOwnTimeAndTheItemInForceFails() {
        JsonNode verdict = http().postJson("/v1/assessments", request("effective-now-" + System.nanoTime()))
                .json();
        assertThat(verdict.path("asOf").asString())
                .isEqualTo(verdict.path("createdAt").asString());
        assertThat(ps42(verdict).path("effectiveOutcome").asString()).isEqualTo("FAIL");
    }

    @Test
    void anAsOfInThePastIsRefusedNamingTheFieldInTheCallersLanguageUnlessAllowed() {
        String past = clock.instant()
                .minus(1, ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        String org = "effective-past-" + System.nanoTime();
        for (String language : new String[] {"en", "ja", "zh-TW"}) {
            Http.Response refused =
                    http().postJson("/v1/assessments?asOf=" + q(past), request(org), "Accept-Language", language);
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.header("Content-Language")).isEqualTo(language);
            JsonNode error = refused.json().path("errors").get(0);
            assertThat(error.path("pointer").asString()).isEqualTo("asOf");
            assertThat(error.path("detail").asString()).contains("asOf").contains("allowPast=true");
        }
        assertThat(http().postJson("/v1/assessments?asOf=" + q(past) + "&allowPast=false", request(org))
                        .status())
                .isEqualTo(400);
        Http.Response batch = http().send(
                        "POST",
                        "/v1/assessments:batch?asOf=" + q(past),
                        "application/x-ndjson",
                        (request(org) + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(batch.status()).as(batch.body()).isEqualTo(400);
        assertThat(batch.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("asOf");

        Http.Response allowed = http().postJson("/v1/assessments?allowPast=true&asOf=" + q(past), request(org));
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(201);
        assertThat(allowed.json().path("asOf").asString()).isEqualTo(past);
    }

    @Test
    void anAsOfInTheFutureNeedsNoPermissionAndIsRecorded() {
        Http.Response future = http().postJson(
                        "/v1/assessments?asOf=" + q("2099-01-01T00:00:00+09:00"),
                        request("effective-future-" + System.nanoTime()));
        assertThat(future.status()).as(future.body()).isEqualTo(201);
        assertThat(future.json().path("asOf").asString()).isEqualTo("2098-12-31T15:00:00Z");
    }

    @Test
    void aBatchEvaluatesEveryLineAsOfItsInstant() {
        String org = "effective-batch-" + System.nanoTime();
        Http.Response response = http().send(
                        "POST",
                        "/v1/assessments:batch?detail=FULL&allowPast=true&asOf=" + q(BEFORE),
                        "application/x-ndjson",
                        (request(org) + "\n" + request(org) + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonMapper json = JsonMapper.builder().build();
        for (String line : response.body().split("\n")) {
            JsonNode verdict = json.readTree(line).path("verdict");
            assertThat(verdict.path("asOf").asString()).as(line).isEqualTo(BEFORE);
            assertThat(ps42(verdict).path("effectiveOutcome").asString()).isEqualTo("WARN");
        }
    }

    @Test
    void anAsOfThatIsNotAnInstantIsRefusedNamingTheParameter() {
        Http.Response bad =
                http().postJson("/v1/assessments?asOf=yesterday", request("effective-bad-" + System.nanoTime()));
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("asOf");
    }
}
