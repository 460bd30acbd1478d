package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.Ruleset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The assessment path end to end over HTTP, as the README promises it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class AssessmentApiTests {

    /** The README's example request. */
    static final String EXAMPLE = "product-security/ps-4.2-shared-default-password-fails/request.json";

    @LocalServerPort
    int port;

    private Http http() {
        return new Http(port);
    }

    private static String fixture(String path) throws Exception {
        return Files.readString(Fixtures.root().resolve(path));
    }

    @Test
    void theReadmeExampleReturns201WithAnExplainedStoredVerdict() throws Exception {
        Http.Response created = http().postJson("/v1/assessments", fixture(EXAMPLE));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.contentType()).startsWith("application/json");
        JsonNode verdict = created.json();
        assertThat(verdict.path("id").asString()).isNotBlank();
        assertThat(created.header("Location"))
                .endsWith("/v1/assessments/" + verdict.path("id").asString());
        assertThat(verdict.path("ruleset").path("revision").asString())
                .isEqualTo(Ruleset.builtIn().revision());
        assertThat(verdict.path("overallOutcome").asString()).isEqualTo("NON_COMPLIANT");
        JsonNode result = find(verdict, "PS-4.2");
        assertThat(result.path("outcome").asString()).isEqualTo("FAIL");
        assertThat(result.path("level").asString()).isEqualTo("MUST");
        assertThat(result.path("title").asString()).isEqualTo("No default password shared across devices");
        assertThat(result.path("message").asString()).isNotBlank();
        assertThat(result.path("remediation").asString()).isNotBlank();
        assertThat(result.path("references")).isNotEmpty();
        assertThat(result.path("sources")).anySatisfy(source -> {
            assertThat(source.path("document").asString()).startsWith("ETSI EN 303 645");
            assertThat(source.path("section").asString()).isEqualTo("5.1-1");
            assertThat(source.path("grade").asString()).isEqualTo("P2");
        });
        assertThat(result.path("firedRules")).isNotEmpty();
        assertThat(find(verdict, "PS-4.3").path("missingFacts").get(0).asString())
                .isEqualTo("/products/0/credentialChangeable");

        Http.Response fetched = http().get(created.header("Location"));
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json()).isEqualTo(verdict);
    }

    @Test
    void preferReturnMinimalAnswersTheSummaryOfTheVerdictItStores() throws Exception {
        String request = fixture(EXAMPLE);
        Http.Response full = http().postJson("/v1/assessments", request);
        assertThat(full.header("Preference-Applied")).isNull();
        assertThat(full.header("Vary")).contains("Prefer");

        // RFC 7240: preferences are a list; names and values without case; a value may be quoted;
        // parameters after ';' and unknown preferences are ignored.
        Http.Response minimal = http().postJson(
                        "/v1/assessments",
                        request,
                        "Prefer",
                        "respond-async, RETURN=\"Minimal\"; x=y",
                        "Accept-Language",
                        "ja");
        assertThat(minimal.status()).isEqualTo(201);
        assertThat(minimal.header("Preference-Applied")).isEqualTo("return=minimal");
        assertThat(minimal.header("Vary")).contains("Prefer");
        assertThat(minimal.header("Content-Language"))
                .as("no text in a summary")
                .isNull();
        JsonNode summary = minimal.json();
        assertThat(minimal.header("Location"))
                .endsWith("/v1/assessments/" + summary.path("id").asString());
        assertThat(summary.path("overallOutcome")).isEqualTo(full.json().path("overallOutcome"));
        assertThat(summary.path("counts")).isEqualTo(full.json().path("counts"));
        assertThat(summary.path("failedRecommendationIds").toString()).isEqualTo("[\"PS-4.2\"]");
        assertThat(summary.path("results").isMissingNode()).isTrue();
        assertThat(minimal.body().length())
                .as("a summary is a small fraction of the verdict")
                .isLessThan(full.body().length() / 10);

        // The stored verdict is the one a full answer would have been, in the language asked for.
        JsonNode stored = http().get(minimal.header("Location")).json();
        assertThat(stored.path("locale").asString()).isEqualTo("ja");
        assertThat(find(stored, "PS-4.2").path("title").asString()).isNotBlank();
        JsonNode inEnglish =
                http().get(minimal.header("Location"), "Accept-Language", "en").json();
        ((ObjectNode) inEnglish).remove("id");
        ((ObjectNode) inEnglish).remove("createdAt");
        ((ObjectNode) inEnglish).remove("asOf"); // each verdict is as of its own time
        JsonNode fullStored = http().get(full.header("Location")).json();
        ((ObjectNode) fullStored).remove("id");
        ((ObjectNode) fullStored).remove("createdAt");
        ((ObjectNode) fullStored).remove("asOf"); // each verdict is as of its own time
        assertThat(inEnglish).isEqualTo(fullStored);

        for (String other : new String[] {"return=representation", "return=bogus", "return", "handling=strict"}) {
            Http.Response answered = http().postJson("/v1/assessments", request, "Prefer", other);
            assertThat(answered.status()).as(other).isEqualTo(201);
            assertThat(answered.header("Preference-Applied")).as(other).isNull();
            assertThat(answered.json().path("results").isArray()).as(other).isTrue();
        }
        // Only the first return preference counts.
        Http.Response first =
                http().postJson("/v1/assessments", request, "Prefer", "return=representation, return=minimal");
        assertThat(first.header("Preference-Applied")).isNull();
    }

    @Test
    void aReplayAnswersInTheShapeTheRetryPrefersAboutTheRecordStoredFirst() throws Exception {
        String request = fixture(EXAMPLE);
        String key = java.util.UUID.randomUUID().toString();
        Http.Response full = http().postJson("/v1/assessments", request, "Idempotency-Key", key);
        Http.Response again =
                http().postJson("/v1/assessments", request, "Idempotency-Key", key, "Prefer", "return=minimal");
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.header("Preference-Applied")).isEqualTo("return=minimal");
        assertThat(again.json().path("id")).isEqualTo(full.json().path("id"));
        assertThat(again.json().path("createdAt")).isEqualTo(full.json().path("createdAt"));
        assertThat(again.json().path("counts")).isEqualTo(full.json().path("counts"));
        assertThat(again.json().path("productIds").toString()).isEqualTo("[\"cam-200\"]");
    }

    @Test
    void aMissingDefaultPasswordPolicyNeedsInformationAndSharedFailsInJapanese() {
        Http.Response missing = http().postJson("/v1/assessments", "{\"organization\":{},\"products\":[{}]}");
        JsonNode unknown = find(missing.json(), "PS-4.2");
        assertThat(unknown.path("outcome").asString()).isEqualTo("NEEDS_INFORMATION");
        assertThat(unknown.path("missingFacts").get(0).asString()).isEqualTo("/products/0/defaultPasswordPolicy");

        Http.Response shared = http().postJson(
                        "/v1/assessments",
                        "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\"}]}",
                        "Accept-Language",
                        "ja");
        assertThat(shared.header("Content-Language")).isEqualTo("ja");
        JsonNode failed = find(shared.json(), "PS-4.2");
        assertThat(failed.path("outcome").asString()).isEqualTo("FAIL");
        assertThat(failed.path("title").asString()).isEqualTo("機器間で共通のデフォルトパスワードを使わない");
    }

    @Test
    void aStoredVerdictIsRewrittenInTheLanguageAskedFor() {
        Http.Response created = http().postJson(
                        "/v1/assessments",
                        "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\"}]}",
                        "Accept-Language",
                        "en");
        Http.Response chinese = http().get(created.header("Location"), "Accept-Language", "zh-TW,zh;q=0.8");
        assertThat(chinese.header("Content-Language")).isEqualTo("zh-TW");
        assertThat(find(chinese.json(), "PS-4.2").path("title").asString()).isEqualTo("裝置間不得共用預設密碼");
        Http.Response english = http().get(created.header("Location"));
        assertThat(english.json()).isEqualTo(created.json());
    }

    @Test
    void theCatalogListsEveryRecommendationWithItsRulesInTheAskedLanguage() {
        Http.Response list = http().get("/v1/recommendations", "Accept-Language", "ja");
        assertThat(list.status()).isEqualTo(200);
        JsonNode items = list.json().path("items");
        assertThat(items).hasSize(Ruleset.builtIn().catalog().entries().size());
        for (JsonNode item : items) {
            assertThat(item.path("rules")).as(item.path("id").asString()).isNotEmpty();
            assertThat(item.path("confidence").asString()).isIn("C", "S", "I");
            assertThat(item.path("title").asString()).isNotBlank();
            assertThat(item.path("sources"))
                    .as(item.path("id").asString())
                    .isNotEmpty()
                    .allSatisfy(source -> {
                        assertThat(source.path("document").asString()).isNotBlank();
                        assertThat(source.path("section").asString()).isNotBlank();
                        assertThat(source.path("grade").asString()).isIn("P1", "P2", "S2");
                    });
        }
        Http.Response one = http().get("/v1/recommendations/PS-1.3", "Accept-Language", "en");
        assertThat(one.json().path("requirement").asString()).contains("12 months");
        JsonNode passwords = http().get("/v1/recommendations/PS-4.2").json();
        assertThat(passwords.path("sources"))
                .extracting(s ->
                        s.path("section").asString() + " " + s.path("grade").asString())
                .contains("S1.1-02 (document review) P2", "5.1-1 P2", "5.1-2 P2");
    }

    @Test
    void theActiveRulesetIsTheBuiltInOne() {
        JsonNode active = http().get("/v1/rulesets/active").json();
        assertThat(active.path("revision").asString())
                .isEqualTo(Ruleset.builtIn().revision());
        assertThat(active.path("source").asString()).isEqualTo("built-in");
        assertThat(active.path("ruleCount").asInt())
                .isEqualTo(Ruleset.builtIn().rules().size());
    }

    @Test
    void theContractIsServedAsWrittenAndSwaggerUiShowsIt() throws Exception {
        JsonNode served = http().get("/v3/api-docs").json();
        JsonNode contract = new YAMLMapper()
                .readTree(Path.of("../api-spec/src/main/openapi/kakunin.yaml").toFile());
        assertThat(normalized(served)).isEqualTo(normalized(contract));
        assertThat(http().get("/swagger-ui/index.html").status()).isEqualTo(200);
    }

    /**
     * Swagger UI's "Try it out" sends requests to the contract's server: a relative one is the
     * service the browser reached, on whatever host and port, and the JSON and YAML forms agree.
     */
    @Test
    void theServedContractNamesTheServiceItIsServedByWithARelativeUrl() {
        JsonNode servers = http().get("/v3/api-docs").json().path("servers");
        assertThat(servers).hasSize(1);
        assertThat(servers.get(0).path("url").asString()).isEqualTo("/");
        String yaml = http().get("/v3/api-docs.yaml").body();
        assertThat(yaml).contains("url: /").doesNotContain("localhost");
    }

    @Test
    void theBenchmarkBaselineDoesNotExistOutsideTheBenchmarkProfile() throws Exception {
        assertThat(http().postJson("/benchmark/echo", fixture(EXAMPLE)).status())
                .isIn(403, 404);
    }

    @Test
    void healthIsUp() {
        JsonNode health = http().get("/actuator/health").json();
        assertThat(health.path("status").asString()).isEqualTo("UP");
    }

    private static JsonNode find(JsonNode verdict, String id) {
        for (JsonNode r : verdict.path("results")) {
            if (r.path("recommendationId").asString().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("no result " + id);
    }

    /** `required` lists are sets: springdoc may reorder them. */
    private static JsonNode normalized(JsonNode node) {
        JsonNode copy = node.deepCopy();
        sortRequired(copy);
        return copy;
    }

    private static void sortRequired(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode required = object.get("required");
            if (required instanceof ArrayNode array
                    && array.size() > 0
                    && array.get(0).isString()) {
                java.util.List<String> names = new java.util.ArrayList<>();
                array.forEach(n -> names.add(n.asString()));
                java.util.Collections.sort(names);
                ArrayNode sorted = object.putArray("required");
                names.forEach(sorted::add);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
                sortRequired(it.next().getValue());
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(AssessmentApiTests::sortRequired);
        }
    }
}
