package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** POST /v1/assessments:batch: NDJSON in, one result line per input line out, bad lines answered on their own line. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class AssessmentBatchTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private static String request(String organization, String policy) {
        return "{\"organization\":{\"id\":\"" + organization
                + "\"},\"products\":[{\"id\":\"cam\",\"defaultPasswordPolicy\":\"" + policy + "\"}]}";
    }

    private List<JsonNode> batch(String body, String query) {
        Http.Response response = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .send(
                        "POST",
                        "/v1/assessments:batch" + query,
                        "application/x-ndjson",
                        body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void everyLineGetsItsOwnResultInOrderAndBadLinesDoNotStopTheBatch() {
        String org = "batch-" + System.nanoTime();
        int before = count(org);
        String body = String.join(
                "\n",
                request(org, "SHARED"),
                "{\"organization\":{\"id\":\"" + org + "\"},\"products\":[{",
                "{\"organization\":{\"id\":\"" + org + "\",\"nmae\":\"typo\"},\"products\":[{}]}",
                "   ",
                request(org, "UNIQUE_PER_DEVICE"),
                "{\"organization\":{\"id\":\"" + org + "\"},\"products\":[]}",
                request(org, "SHARED_OR_NOT"));
        List<JsonNode> lines = batch(body, "");
        assertThat(lines).extracting(l -> l.path("line").asInt()).containsExactly(1, 2, 3, 5, 6, 7);
        assertThat(lines).extracting(l -> l.path("status").asInt()).containsExactly(201, 400, 400, 201, 400, 400);

        JsonNode first = lines.get(0);
        assertThat(first.path("overallOutcome").asString()).isEqualTo("NON_COMPLIANT");
        assertThat(first.path("failedRecommendationIds").toString()).contains("PS-4.2");
        String single = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .postJson("/v1/assessments", request("single-" + org, "SHARED"))
                .header("Location");
        assertThat(first.path("location").asString())
                .as("absolute, as a single request's Location")
                .isEqualTo(single.substring(0, single.lastIndexOf('/') + 1)
                        + first.path("id").asString())
                .startsWith("http://");
        assertThat(first.has("verdict")).as("summaries unless detail=FULL").isFalse();
        Http.Response stored = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .get(first.path("location").asString());
        assertThat(stored.status()).isEqualTo(200);
        assertThat(stored.json().path("overallOutcome").asString()).isEqualTo("NON_COMPLIANT");

        assertThat(lines.get(1).path("problem").path("type").asString())
                .isEqualTo("urn:kakunin:problem:invalid-request");
        assertThat(lines.get(1).path("problem").path("detail").asString()).contains("is not valid JSON");
        assertThat(lines.get(2)
                        .path("problem")
                        .path("errors")
                        .get(0)
                        .path("pointer")
                        .asString())
                .isEqualTo("/organization/nmae");
        assertThat(lines.get(3).path("overallOutcome").asString()).isNotEqualTo("NON_COMPLIANT");
        assertThat(lines.get(4)
                        .path("problem")
                        .path("errors")
                        .get(0)
                        .path("pointer")
                        .asString())
                .isEqualTo("/products");
        assertThat(lines.get(5)
                        .path("problem")
                        .path("errors")
                        .get(0)
                        .path("pointer")
                        .asString())
                .isEqualTo("/products/0/defaultPasswordPolicy");
        assertThat(count(org) - before).as("only the good lines are stored").isEqualTo(2);
    }

    /** A line with several faults is answered with all of them, as a single request is, in the batch's language. */
    @Test
    void aLineWithSeveralFaultsNamesThemAllInTheCallersLanguage() {
        String org = "faults-" + System.nanoTime();
        String faulty = "{\"assessmentDate\":\"2026-02-30\",\"organization\":{\"id\":\"" + org
                + "\",\"monitoringIntervalDays\":\"30\",\"nmae\":\"Acme\"},"
                + "\"products\":[{\"defaultPasswordPolicy\":\"SHARED \"}],\"idempotencyKey\":\"bad key!\"}";
        Http.Response response = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .send(
                        "POST",
                        "/v1/assessments:batch",
                        "application/x-ndjson",
                        (faulty + "\n" + request(org, "SHARED")).getBytes(StandardCharsets.UTF_8),
                        "Accept-Language",
                        "ja");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode line = JSON.readTree(response.body().split("\n")[0]);

        assertThat(line.path("status").asInt()).isEqualTo(400);
        List<String> pointers = new ArrayList<>();
        line.path("problem")
                .path("errors")
                .forEach(e -> pointers.add(e.path("pointer").asString()));
        assertThat(pointers)
                .containsExactly(
                        "/assessmentDate",
                        "/organization/monitoringIntervalDays",
                        "/organization/nmae",
                        "/products/0/defaultPasswordPolicy",
                        "/idempotencyKey");
        assertThat(line.path("problem").path("title").asString()).isEqualTo("リクエストが正しくありません");
        assertThat(line.path("problem").path("errors").get(0).path("detail").asString())
                .isEqualTo("「assessmentDate」には実在する日付を YYYY-MM-DD 形式で指定してください（「2026-02-30」は日付として正しくありません）");
        assertThat(count(org)).as("only the good line is stored").isEqualTo(1);
    }

    @Test
    void fullDetailCarriesTheVerdictAsStored() {
        String org = "full-" + System.nanoTime();
        JsonNode line = batch(request(org, "SHARED") + "\n", "?detail=FULL").get(0);
        JsonNode fetched = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .get(line.path("location").asString())
                .json();
        assertThat(line.path("verdict")).isEqualTo(fetched);
    }

    @Test
    void aLineOverTheBodyLimitIsAnsweredOnItsLineAndTheRestGoesOn() {
        String org = "huge-" + System.nanoTime();
        String huge = "{\"organization\":{\"id\":\"" + org + "\",\"name\":\"" + "x".repeat(1_100_000)
                + "\"},\"products\":[{}]}";
        List<JsonNode> lines = batch(huge + "\n" + request(org, "SHARED"), "");
        assertThat(lines).extracting(l -> l.path("status").asInt()).containsExactly(413, 201);
        assertThat(lines.get(0).path("problem").path("type").asString())
                .isEqualTo("urn:kakunin:problem:payload-too-large");
    }

    /** A line is a request: its arrays are bounded while it is read, as a single request's are. */
    @Test
    void aLineWithAnArrayOverItsLimitIsRefusedWhileItIsRead() {
        String org = "arrays-" + System.nanoTime();
        String tooMany =
                "{\"organization\":{\"id\":\"" + org + "\"},\"products\":[" + "{}, ".repeat(201) + "@@@ not JSON";
        List<JsonNode> lines = batch(tooMany + "\n" + request(org, "SHARED"), "");
        assertThat(lines).extracting(l -> l.path("status").asInt()).containsExactly(400, 201);
        JsonNode error = lines.get(0).path("problem").path("errors").get(0);
        assertThat(error.path("pointer").asString()).isEqualTo("/products");
        assertThat(error.path("detail").asString())
                .isEqualTo("'products' holds more than 200 elements; at most 200 are accepted");
    }

    @Test
    void aThousandLinesStreamBackComplete() {
        String org = "many-" + System.nanoTime();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            body.append(request(org, i % 2 == 0 ? "SHARED" : "UNIQUE_PER_DEVICE"))
                    .append('\n');
        }
        List<JsonNode> lines = batch(body.toString(), "");
        assertThat(lines).hasSize(1000);
        assertThat(lines).extracting(l -> l.path("line").asInt()).isSorted().doesNotHaveDuplicates();
        assertThat(lines).allSatisfy(l -> assertThat(l.path("status").asInt()).isEqualTo(201));
        assertThat(count(org)).isEqualTo(1000);
        assertThat(new Http(port)
                        .as(TestKeys.SUBMITTER_A)
                        .get("/v1/assessments?organizationId=" + org + "&failedRecommendation=PS-4.2&limit=200")
                        .json()
                        .path("items"))
                .hasSize(200);
    }

    @Test
    void aBatchNeedsTheSubmitterRoleAndNdjson() {
        Http http = new Http(port);
        byte[] body = (request("x", "SHARED") + "\n").getBytes(StandardCharsets.UTF_8);
        assertThat(http.as(null)
                        .send("POST", "/v1/assessments:batch", "application/x-ndjson", body)
                        .status())
                .isEqualTo(401);
        assertThat(http.as(TestKeys.AUDITOR)
                        .send("POST", "/v1/assessments:batch", "application/x-ndjson", body)
                        .status())
                .isEqualTo(403);
        assertThat(http.as(TestKeys.SUBMITTER_A)
                        .send("POST", "/v1/assessments:batch", "application/json", body)
                        .status())
                .isEqualTo(415);
        assertThat(http.as(TestKeys.SUBMITTER_A)
                        .send("POST", "/v1/assessments:batch?detail=EVERYTHING", "application/x-ndjson", body)
                        .status())
                .isEqualTo(400);
    }

    /**
     * A batch takes its keys per line, so an Idempotency-Key header is refused rather than
     * ignored (ignored, the same key twice made two sets of records): 400, naming the header and
     * saying how to retry, and nothing is stored.
     */
    @Test
    void anIdempotencyKeyIsRefusedWithHowToRetryAndNothingIsStored() {
        String org = "idem-" + System.nanoTime();
        byte[] body = (request(org, "SHARED") + "\n" + request(org, "UNIQUE_PER_DEVICE") + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Http http = new Http(port).as(TestKeys.SUBMITTER_A);
        for (int attempt = 0; attempt < 2; attempt++) {
            Http.Response response = http.send(
                    "POST", "/v1/assessments:batch", "application/x-ndjson", body, "Idempotency-Key", "batch-" + org);
            assertThat(response.status()).as(response.body()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("errors").get(0).path("pointer").asString())
                    .isEqualTo("Idempotency-Key");
            assertThat(response.json().path("detail").asString())
                    .contains("give each line an idempotencyKey member of its own")
                    .contains("the lines that got no 201 result line");
        }
        assertThat(count(org)).isZero();
        assertThat(batch(new String(body, StandardCharsets.UTF_8), "")).hasSize(2);
        assertThat(count(org)).isEqualTo(2);
    }

    private static String keyed(String key, String request) {
        return "{\"idempotencyKey\":\"" + key + "\"," + request.substring(1);
    }

    /**
     * A line's idempotencyKey makes it safe to send again, alone or with others, in any order:
     * stored once, and answered again with the record stored then ({@code replayed}); the same
     * key with another request is a 409 line; a key twice in one batch stores one record.
     */
    @Test
    void aLineWithAnIdempotencyKeyIsStoredOnceHoweverOftenItIsSent() {
        String org = "keyed-" + System.nanoTime();
        String first = keyed(org + "-1", request(org + "-1", "SHARED"));
        String second = keyed(org + "-2", request(org + "-2", "UNIQUE_PER_DEVICE"));
        String unkeyed = request(org + "-3", "SHARED");

        List<JsonNode> sent = batch(first + "\n" + second + "\n" + unkeyed + "\n", "");
        assertThat(sent).extracting(l -> l.path("status").asInt()).containsExactly(201, 201, 201);
        assertThat(sent).allSatisfy(l -> assertThat(l.has("replayed")).isFalse());

        // Sent again, a subset in another order, with a line whose key comes twice.
        List<JsonNode> again = batch(second + "\n" + first + "\n" + first + "\n", "?detail=FULL");
        assertThat(again).extracting(l -> l.path("status").asInt()).containsExactly(201, 201, 201);
        assertThat(again)
                .allSatisfy(l -> assertThat(l.path("replayed").asBoolean()).isTrue());
        assertThat(again.get(0).path("id")).isEqualTo(sent.get(1).path("id"));
        assertThat(again.get(1).path("id")).isEqualTo(sent.get(0).path("id"));
        assertThat(again.get(2).path("id")).isEqualTo(sent.get(0).path("id"));
        assertThat(again.get(0).path("verdict").path("id"))
                .isEqualTo(sent.get(1).path("id"));
        assertThat(again.get(0).path("overallOutcome")).isEqualTo(sent.get(1).path("overallOutcome"));
        assertThat(count(org + "-1")).isEqualTo(1);
        assertThat(count(org + "-2")).isEqualTo(1);

        // The same key with another request: refused on its line, nothing stored.
        List<JsonNode> reused = batch(keyed(org + "-1", request(org + "-4", "SHARED")) + "\n", "");
        assertThat(reused.get(0).path("status").asInt()).isEqualTo(409);
        assertThat(reused.get(0).path("problem").path("type").asString())
                .isEqualTo("urn:kakunin:problem:idempotency-key-reused");
        assertThat(count(org + "-4")).isZero();

        // Two lines with one key in a fresh batch: one record, the second line a replay of the first.
        String twice = keyed(org + "-5", request(org + "-5", "SHARED"));
        List<JsonNode> doubled = batch(twice + "\n" + twice + "\n", "");
        assertThat(doubled).extracting(l -> l.path("status").asInt()).containsExactly(201, 201);
        assertThat(doubled.get(1).path("id")).isEqualTo(doubled.get(0).path("id"));
        assertThat(doubled.get(1).path("replayed").asBoolean()).isTrue();
        assertThat(count(org + "-5")).isEqualTo(1);
    }

    /** A line's key is the same kind of key as the Idempotency-Key of POST /v1/assessments, in the same scope. */
    @Test
    void aLineAndASingleRequestWithTheSameKeyStoreOneAssessment() {
        String org = "keyed-single-" + System.nanoTime();
        Http.Response single = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .postJson("/v1/assessments", request(org, "SHARED"), "Idempotency-Key", org);
        assertThat(single.status()).isEqualTo(201);
        List<JsonNode> line = batch(keyed(org, request(org, "SHARED")) + "\n", "");
        assertThat(line.get(0).path("status").asInt()).isEqualTo(201);
        assertThat(line.get(0).path("replayed").asBoolean()).isTrue();
        assertThat(line.get(0).path("id")).isEqualTo(single.json().path("id"));
        assertThat(count(org)).isEqualTo(1);
    }

    @Test
    void anIdempotencyKeyThatIsNotOneIsRefusedOnItsLineNamingIt() {
        String org = "bad-key-" + System.nanoTime();
        List<JsonNode> lines = batch(
                keyed("has a space", request(org, "SHARED")) + "\n"
                        + "{\"idempotencyKey\":7," + request(org, "SHARED").substring(1) + "\n"
                        + keyed("k".repeat(201), request(org, "SHARED")) + "\n",
                "");
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.path("status").asInt()).as(l.toString()).isEqualTo(400);
            assertThat(l.path("problem").path("errors").get(0).path("pointer").asString())
                    .isEqualTo("/idempotencyKey");
        });
        assertThat(count(org)).isZero();
    }

    private int count(String organization) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM assessment WHERE organization_id = ?", Integer.class, organization);
    }
}
