package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.Fixtures;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/** {@code GET /v1/assessments/{id}/jc-star} end to end over HTTP: the ★1 checklist of a stored assessment. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class JcStarApiTests {

    static final String READY =
            "product-security/scenario-psti-conformant-smart-plug-checked-by-its-maker-is-ready-to-apply-for-jc-star";
    static final String ONE_ROW =
            "product-security/scenario-smart-plug-that-installs-unverified-updates-is-not-ready-for-jc-star-on-s1.1-08-alone";

    @LocalServerPort
    int port;

    private Http http() {
        return new Http(port);
    }

    private static String request(String scenario) throws Exception {
        return Files.readString(Fixtures.root().resolve(scenario).resolve("request.json"));
    }

    /** Stores the scenario's request as the given caller and returns the path of its checklist. */
    private String stored(Http as, String scenario) throws Exception {
        Http.Response created = as.postJson("/v1/assessments", request(scenario));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return "/v1/assessments/" + created.json().path("id").asString() + "/jc-star";
    }

    private static JsonNode row(JsonNode product, String requirementId) {
        for (JsonNode row : product.path("rows")) {
            if (row.path("requirementId").asString().equals(requirementId)) {
                return row;
            }
        }
        throw new AssertionError("no row " + requirementId + " in " + product);
    }

    @Test
    void aReadyPstiConformantProductIsReadyToApplyWithTheWaivedRowsCoveredByPsti() throws Exception {
        String path = stored(http(), READY);
        Http.Response response = http().get(path, "Accept-Language", "en");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.header("Content-Language")).isEqualTo("en");
        JsonNode checklist = response.json();
        assertThat(checklist.path("assessmentId").asString()).isEqualTo(path.split("/")[3]);
        assertThat(checklist.path("label").asString()).isEqualTo("JC-STAR ★1");
        JsonNode product = checklist.path("products").get(0);
        assertThat(product.path("readyToApply").asBoolean()).isTrue();
        assertThat(product.path("rows")).hasSize(16);
        List<String> psti = new ArrayList<>();
        for (JsonNode row : product.path("rows")) {
            assertThat(row.path("readiness").asString())
                    .as(row.path("requirementId").asString())
                    .isIn("READY", "NOT_APPLICABLE");
            if (row.path("coverage").asString().equals("PSTI")) {
                psti.add(row.path("requirementId").asString());
            }
        }
        assertThat(psti).containsExactly("S1.1-02", "S1.1-05", "S1.1-16");
        JsonNode s104 = row(product, "S1.1-04");
        assertThat(s104.path("evidenceTypes").get(0).asString()).isEqualTo("DEVICE_TEST");
        assertThat(s104.path("prepare").asString()).isEqualTo("A test on the actual device (実機評価).");
        assertThat(s104.path("decidedBy").get(0).path("recommendationId").asString())
                .isEqualTo("PS-4.4");
    }

    @Test
    void aProductFailingOneItemIsNotReadyOnTheOneRowItDecidesWithTheResultBehindIt() throws Exception {
        JsonNode product =
                http().get(stored(http(), ONE_ROW)).json().path("products").get(0);
        assertThat(product.path("readyToApply").asBoolean()).isFalse();
        assertThat(product.path("counts").path("notReady").asInt()).isEqualTo(1);
        JsonNode s108 = row(product, "S1.1-08");
        assertThat(s108.path("readiness").asString()).isEqualTo("NOT_READY");
        JsonNode behind = s108.path("decidedBy").get(0);
        assertThat(behind.path("recommendationId").asString()).isEqualTo("PS-4.6");
        assertThat(behind.path("outcome").asString()).isEqualTo("FAIL");
        assertThat(product.path("summary").asString()).contains("S1.1-08");
    }

    @Test
    void missingFactsMakeARowUnknownAndNameTheFacts() {
        Http.Response created = http().postJson("/v1/assessments", "{\"organization\":{},\"products\":[{}]}");
        String id = created.json().path("id").asString();
        JsonNode product = http().get("/v1/assessments/" + id + "/jc-star")
                .json()
                .path("products")
                .get(0);
        assertThat(product.path("readyToApply").asBoolean()).isFalse();
        JsonNode s102 = row(product, "S1.1-02");
        assertThat(s102.path("readiness").asString()).isEqualTo("UNKNOWN");
        assertThat(s102.path("missingFacts").get(0).asString()).isEqualTo("/products/0/defaultPasswordPolicy");
        assertThat(product.path("followUp").toString()).contains("/products/0/defaultPasswordPolicy");
    }

    @Test
    void theTextsComeInJapaneseAndTraditionalChineseAsAsked() throws Exception {
        String path = stored(http(), READY);
        Http.Response ja = http().get(path, "Accept-Language", "ja");
        assertThat(ja.header("Content-Language")).isEqualTo("ja");
        JsonNode s102 = row(ja.json().path("products").get(0), "S1.1-02");
        assertThat(s102.path("title").asString()).isEqualTo("共通でないデフォルトパスワード");
        assertThat(s102.path("requirement").asString())
                .isEqualTo("ネットワークを介したユーザ認証の仕組みにて、IoT製品導入時にデフォルトパスワードが基準を満たすこと。");

        Http.Response zh = http().get(path, "Accept-Language", "zh-TW");
        assertThat(zh.header("Content-Language")).isEqualTo("zh-TW");
        assertThat(row(zh.json().path("products").get(0), "S1.1-02")
                        .path("title")
                        .asString())
                .isEqualTo("非共用的預設密碼");
    }

    @Test
    void anUnknownIdIsANotFoundProblem() {
        String path = "/v1/assessments/" + UUID.randomUUID() + "/jc-star";
        Http.Response missing = http().get(path);
        assertThat(missing.status()).isEqualTo(404);
        ProblemShape.assertShape(missing.json(), 404, path, false);
    }

    @Test
    void theChecklistIsSeenByWhoeverMaySeeTheAssessment() throws Exception {
        String path = stored(http().as(TestKeys.SUBMITTER_A), READY);
        assertThat(http().as(TestKeys.SUBMITTER_A).get(path).status()).isEqualTo(200);
        assertThat(http().as(TestKeys.AUDITOR).get(path).status()).isEqualTo(200);
        Http.Response other = http().as(TestKeys.SUBMITTER_B).get(path);
        assertThat(other.status()).as("another submitter's assessment").isEqualTo(404);
        assertThat(http().as(TestKeys.RULE_ADMIN).get(path).status()).isEqualTo(403);
        assertThat(http().as(null).get(path).status()).isEqualTo(401);
    }
}
