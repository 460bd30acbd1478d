package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * Each kind of bad input gets the right 4xx status and a problem body naming the field, and
 * writes nothing. Over a real HTTP server, with the bytes a broken or hostile client sends.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"kakunin.limits.max-body-size=64KB", "kakunin.limits.max-string-length=50000"})
@ActiveProfiles("test")
class BadInputTests {

    private static final String ASSESSMENTS = "/v1/assessments";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    static Stream<Arguments> badRequests() {
        String big = "{\"organization\":{\"name\":\"" + "a".repeat(70 * 1024) + "\"},\"products\":[{}]}";
        return Stream.of(
                arguments(
                        "malformed JSON",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{",
                        400,
                        "/products/0"),
                arguments("not JSON at all", "POST", ASSESSMENTS, "application/json", "organization=acme", 400, ""),
                arguments(
                        "trailing garbage",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{}]} {}",
                        400,
                        ""),
                arguments("empty body", "POST", ASSESSMENTS, "application/json", "", 400, ""),
                arguments("JSON null", "POST", ASSESSMENTS, "application/json", "null", 400, ""),
                arguments("an array instead of an object", "POST", ASSESSMENTS, "application/json", "[]", 400, ""),
                arguments(
                        "wrong type: string for boolean",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{\"credentialChangeable\":\"yes\"}]}",
                        400,
                        "/products/0/credentialChangeable"),
                arguments(
                        "wrong type: object for string",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{\"name\":{}},\"products\":[{}]}",
                        400,
                        "/organization/name"),
                arguments(
                        "wrong type: number for list",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{\"networkServices\":5}]}",
                        400,
                        "/products/0/networkServices"),
                arguments(
                        "wrong type: number for string (no silent conversion)",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{\"id\":7},\"products\":[{}]}",
                        400,
                        "/organization/id"),
                arguments(
                        "wrong type: string for number (no silent conversion)",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{\"networkServices\":[{\"port\":\"22\"}]}]}",
                        400,
                        "/products/0/networkServices/0/port"),
                arguments(
                        "wrong type: boolean for string (no silent conversion)",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{\"name\":true},\"products\":[{}]}",
                        400,
                        "/organization/name"),
                arguments(
                        "number too large for an int",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{\"monitoringIntervalDays\":99999999999999999999},\"products\":[{}]}",
                        400,
                        "/organization/monitoringIntervalDays"),
                arguments(
                        "unknown enum value",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"SOMETIMES\"}]}",
                        400,
                        "/products/0/defaultPasswordPolicy"),
                arguments(
                        "enum value in the wrong case",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"shared\"}]}",
                        400,
                        "/products/0/defaultPasswordPolicy"),
                arguments(
                        "invalid date",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"assessmentDate\":\"2026-02-30\",\"organization\":{},\"products\":[{}]}",
                        400,
                        "/assessmentDate"),
                arguments(
                        "missing required organization",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"products\":[{}]}",
                        400,
                        "/organization"),
                arguments(
                        "missing required products",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{}}",
                        400,
                        "/products"),
                arguments(
                        "no product",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[]}",
                        400,
                        "/products"),
                arguments(
                        "a null product",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[null]}",
                        400,
                        "/products/0"),
                arguments(
                        "a null element deep inside",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{\"networkServices\":[{\"authRequired\":true},null]}]}",
                        400,
                        "/products/0/networkServices/1"),
                arguments(
                        "unknown field (a misspelt fact)",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{\"defaultPaswordPolicy\":\"SHARED\"}]}",
                        400,
                        "/products/0/defaultPaswordPolicy"),
                arguments(
                        "constraint violation: port out of range",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{\"networkServices\":[{\"port\":70000}]}]}",
                        400,
                        "/products/0/networkServices/0/port"),
                arguments(
                        "constraint violation: string too long",
                        "POST",
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{\"id\":\"" + "x".repeat(201) + "\"},\"products\":[{}]}",
                        400,
                        "/organization/id"),
                arguments("body over the configured size", "POST", ASSESSMENTS, "application/json", big, 413, null),
                arguments(
                        "wrong media type",
                        "POST",
                        ASSESSMENTS,
                        "text/plain",
                        "{\"organization\":{},\"products\":[{}]}",
                        415,
                        null),
                arguments(
                        "no media type",
                        "POST",
                        ASSESSMENTS,
                        null,
                        "{\"organization\":{},\"products\":[{}]}",
                        415,
                        null),
                arguments(
                        "unknown assessment",
                        "GET",
                        ASSESSMENTS + "/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69",
                        null,
                        null,
                        404,
                        null),
                arguments(
                        "assessment ID that is not a UUID", "GET", ASSESSMENTS + "/not-a-uuid", null, null, 400, "id"),
                arguments("unknown recommendation", "GET", "/v1/recommendations/PS-9.9", null, null, 404, null),
                arguments(
                        "recommendation ID of the wrong form",
                        "GET",
                        "/v1/recommendations/drop%20table",
                        null,
                        null,
                        400,
                        "id"),
                arguments("method not allowed", "DELETE", ASSESSMENTS, null, null, 405, null),
                arguments("no such endpoint", "GET", "/v1/nothing-here", null, null, 404, null));
    }

    @ParameterizedTest(name = "{0} -> {5}")
    @MethodSource("badRequests")
    void badInputGetsAProblemNamingTheFieldAndWritesNothing(
            String name, String method, String path, String contentType, String body, int status, String pointer) {
        long before = rows();
        Http.Response r = new Http(port)
                .send(method, path, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("type").asString()).startsWith("urn:kakunin:problem:");
        assertThat(problem.path("instance").asString()).isEqualTo(path);
        if (pointer != null) {
            assertThat(problem.path("errors"))
                    .as(r.body())
                    .anySatisfy(e -> assertThat(e.path("pointer").asString()).isEqualTo(pointer));
            assertThat(problem.path("detail").asString()).isNotBlank();
        }
        assertThat(rows()).as("rows stored").isEqualTo(before);
    }

    /**
     * Every operation that reads a JSON body names every fault of it at once (issue 15, finding
     * 7): what the reader stepped over in document order, then what the contract's constraints
     * find in what was read, in the caller's language, and nothing is stored.
     */
    static Stream<Arguments> everyJsonEndpoint() {
        return Stream.of(
                arguments(
                        ASSESSMENTS,
                        "{\"assessmentDate\":\"2026-02-30\",\"organization\":{\"id\":\"acme corp\","
                                + "\"monitoringIntervalDays\":\"30\",\"nmae\":\"Acme\"},"
                                + "\"products\":[{\"defaultPasswordPolicy\":\"SHARED \"}]}",
                        List.of(
                                "/assessmentDate",
                                "/organization/monitoringIntervalDays",
                                "/organization/nmae",
                                "/products/0/defaultPasswordPolicy",
                                "/organization/id")),
                arguments(
                        "/v1/sharing-reviews",
                        "{\"reviewDate\":\"2026-02-30\",\"sharer\":{\"name\":\"s\",\"type\":\"SOC_MSSP_OPERATOR \"},"
                                + "\"recipients\":[{\"name\":\"r\",\"type\":\"NONPROFIT_CSIRT\",\"nmae\":\"x\"}],"
                                + "\"samplesReviewedForEmbeddedData\":\"yes\","
                                + "\"items\":[{\"category\":\"C2_DESTINATION\",\"value\":\"203.0.113.45\"}]}",
                        List.of(
                                "/reviewDate",
                                "/sharer/type",
                                "/recipients/0/nmae",
                                "/samplesReviewedForEmbeddedData")),
                arguments(
                        "/v1/rulesets/validate",
                        "{\"files\":[{\"path\":\"a.drl\",\"content\":7,\"encoding\":\"BASE64 \"}],\"base\":\"ALL\",\"extra\":1}",
                        List.of("/files/0/content", "/files/0/encoding", "/base", "/extra")),
                arguments(
                        "/v1/api-keys",
                        "{\"name\":\"ops\\u0007\",\"roles\":[\"ROOT\",\"AUDITOR\",\"GOD\"],\"extra\":1}",
                        List.of("/name", "/roles/0", "/roles/2", "/extra")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyJsonEndpoint")
    void everyJsonEndpointNamesEveryFaultInTheCallersLanguage(String path, String body, List<String> pointers) {
        long before = rows();
        for (String language : List.of("en", "ja", "zh-TW")) {
            Http.Response r = new Http(port).postJson(path, body, "Accept-Language", language);

            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.header("Content-Language")).isEqualTo(language);
            List<String> named = new java.util.ArrayList<>();
            r.json().path("errors").forEach(e -> named.add(e.path("pointer").asString()));
            assertThat(named).as(r.body()).containsExactlyElementsOf(pointers);
            assertThat(r.json().path("title").asString())
                    .isEqualTo(
                            switch (language) {
                                case "ja" -> "リクエストが正しくありません";
                                case "zh-TW" -> "請求無效";
                                default -> "The request is invalid";
                            });
        }
        assertThat(rows()).as("rows stored").isEqualTo(before);
    }

    /** Lengths are counted as the contract counts them, in characters: 500 emoji are a name of 500, not 1,000. */
    /**
     * What the reader refuses on its own (a string past its limit, a number JSON can write but no
     * field can hold) is explained in the contract's terms, at the field that holds it: never the
     * parser's API, never "malformed JSON" for valid JSON, never "Infinity" for a number the
     * caller did not write so.
     */
    @Test
    void readLevelFaultsAreExplainedAtTheirFieldWithoutTheParsersWords() {
        List<Map.Entry<String, String>> bodies = List.of(
                Map.entry(
                        "/organization/name",
                        "{\"organization\":{\"name\":\"" + "n".repeat(60_000) + "\"},\"products\":[{}]}"),
                Map.entry(
                        "/products/0/networkServices/0/port",
                        "{\"organization\":{},\"products\":[{\"networkServices\":[{\"port\":1e309}]}]}"),
                Map.entry(
                        "/products/0/networkServices/0/port",
                        "{\"organization\":{},\"products\":[{\"networkServices\":[{\"port\":99999999999999999999}]}]}"));
        for (Map.Entry<String, String> body : bodies) {
            Http.Response r = new Http(port).postJson(ASSESSMENTS, body.getValue());
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            String detail = r.json().path("detail").asString();
            assertThat(detail)
                    .as(body.getKey())
                    .doesNotContain("StreamReadConstraints")
                    .doesNotContain("Infinity")
                    .doesNotContainIgnoringCase("malformed")
                    .doesNotContain("Jackson")
                    .doesNotContain("java.");
            assertThat(r.json().path("errors").get(0).path("pointer").asString())
                    .as("%s: %s", body.getKey(), detail)
                    .isEqualTo(body.getKey());
        }
    }

    @Test
    void stringLengthsCountCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDD12";
        long before = rows();
        Http http = new Http(port);
        Http.Response fits = http.send(
                "POST",
                ASSESSMENTS,
                "application/json",
                ("{\"organization\":{\"name\":\"" + emoji.repeat(500) + "\"},\"products\":[{}]}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(fits.status()).as(fits.body()).isEqualTo(201);
        Http.Response tooLong = http.send(
                "POST",
                ASSESSMENTS,
                "application/json",
                ("{\"organization\":{\"name\":\"" + emoji.repeat(501) + "\"},\"products\":[{}]}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(400);
        assertThat(tooLong.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("/organization/name");
        assertThat(rows()).isEqualTo(before + 1);
    }

    /** A victim profile that cannot be read is refused without any of it repeated, even to its sender. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "{\"names\":[SecretVictimToken]}",
                "{\"names\":\"SecretVictimToken\"}",
                "{\"names\":[\"x\"],\"SecretVictimToken\":1}",
                "{\"ipRanges\":[\"SecretVictimToken\"]}"
            })
    void aMalformedVictimProfileIsNotEchoed(String profile) {
        String body =
                "{\"sharer\":{\"name\":\"s\",\"type\":\"SOC_MSSP_OPERATOR\"},\"recipients\":[{\"name\":\"r\",\"type\":\"NONPROFIT_CSIRT\"}],"
                        + "\"items\":[{\"category\":\"C2_DESTINATION\",\"value\":\"203.0.113.45\"}],\"victimProfile\":"
                        + profile + "}";
        long before = rows();
        Http.Response r = new Http(port)
                .send("POST", "/v1/sharing-reviews", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("errors").get(0).path("pointer").asString()).startsWith("/victimProfile");
        assertThat(r.body()).doesNotContain("SecretVictimToken");
        assertThat(rows()).isEqualTo(before);
    }

    /**
     * Headers, query parameters and Accept headers: each refusal names what is wrong (the header or
     * parameter, as the pointer) and says what would be right, and nothing is stored, although the
     * body of each POST here is a good one that would be stored.
     */
    static Stream<Arguments> badHeadersAndParameters() {
        String good = "{\"organization\":{\"id\":\"acme\"},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\"}]}";
        String[] none = {};
        return Stream.of(
                arguments(
                        "a sharing filter on assessments",
                        "GET",
                        ASSESSMENTS + "?decision=DO_NOT_SHARE",
                        null,
                        none,
                        400,
                        "decision",
                        "it takes createdFrom, createdTo, cursor, failedRecommendation, limit, organizationId, outcome, productId, rulesetRevision"),
                arguments(
                        "an assessment filter on reviews",
                        "GET",
                        "/v1/sharing-reviews?productId=cam",
                        null,
                        none,
                        400,
                        "productId",
                        "it takes createdFrom, createdTo, cursor, decision"),
                arguments(
                        "an outcome that is not one",
                        "GET",
                        ASSESSMENTS + "?outcome=MAYBE",
                        null,
                        none,
                        400,
                        "outcome",
                        "'MAYBE' is not one of the allowed values: COMPLIANT, NON_COMPLIANT, INCOMPLETE"),
                arguments(
                        "a decision that is not one",
                        "GET",
                        "/v1/sharing-reviews?decision=SHARE",
                        null,
                        none,
                        400,
                        "decision",
                        "'SHARE' is not one of the allowed values: SHARE_WITHOUT_CONSENT"),
                arguments(
                        "a filter without a value",
                        "GET",
                        ASSESSMENTS + "?outcome=",
                        null,
                        none,
                        400,
                        "outcome",
                        "has no value"),
                arguments(
                        "a limit that is not a number",
                        "GET",
                        ASSESSMENTS + "?limit=ten",
                        null,
                        none,
                        400,
                        "limit",
                        "'ten' is not valid: must be a whole number"),
                arguments(
                        "a value that is not UTF-8",
                        "GET",
                        ASSESSMENTS + "?organizationId=%85",
                        null,
                        none,
                        400,
                        "organizationId",
                        "is not validly encoded"),
                arguments(
                        "a number that is not UTF-8",
                        "GET",
                        ASSESSMENTS + "?limit=%C3%28",
                        null,
                        none,
                        400,
                        "limit",
                        "is not validly encoded"),
                arguments(
                        "a cursor where there is no paging",
                        "GET",
                        "/v1/api-keys?cursor=MDE5",
                        null,
                        none,
                        400,
                        "cursor",
                        "it takes none"),
                arguments(
                        "base as a query parameter of validation",
                        "POST",
                        "/v1/rulesets/validate?base=NONE",
                        "{\"files\":[{\"path\":\"product/x.drl\",\"content\":\"package io.kakunin.rules.product;\"}]}",
                        none,
                        400,
                        "base",
                        "it takes none"),
                arguments(
                        "a parameter on a good assessment",
                        "POST",
                        ASSESSMENTS + "?dryRun=true",
                        good,
                        none,
                        400,
                        "dryRun",
                        "it takes allowPast, asOf"),
                arguments(
                        "an Idempotency-Key on the batch",
                        "POST",
                        "/v1/assessments:batch",
                        good + "\n",
                        new String[] {"Idempotency-Key", "b-1"},
                        400,
                        "Idempotency-Key",
                        "give each line an idempotencyKey member of its own"),
                arguments(
                        "Accept that cannot be parsed",
                        "GET",
                        "/v1/recommendations",
                        null,
                        new String[] {"Accept", "%%%"},
                        406,
                        "Accept",
                        "cannot be read"),
                arguments(
                        "Accept that cannot be parsed, on a good assessment",
                        "POST",
                        ASSESSMENTS,
                        good,
                        new String[] {"Accept", "%%%"},
                        406,
                        "Accept",
                        "cannot be read"),
                arguments(
                        "Accept of problems only, on a success",
                        "GET",
                        "/v1/recommendations",
                        null,
                        new String[] {"Accept", "application/problem+json"},
                        406,
                        "Accept",
                        "application/json"),
                arguments(
                        "Accept of problems only, on a good assessment",
                        "POST",
                        ASSESSMENTS,
                        good,
                        new String[] {"Accept", "application/problem+json"},
                        406,
                        "Accept",
                        "application/json"),
                arguments(
                        "a compressed body",
                        "POST",
                        ASSESSMENTS,
                        good,
                        new String[] {"Content-Encoding", "gzip"},
                        415,
                        "Content-Encoding",
                        "send the body uncompressed"),
                arguments(
                        "Accept of JSON at quality 0",
                        "POST",
                        ASSESSMENTS,
                        good,
                        new String[] {"Accept", "application/json;q=0"},
                        406,
                        "Accept",
                        "application/json"));
    }

    @ParameterizedTest(name = "{0} -> {5}")
    @MethodSource("badHeadersAndParameters")
    void headersAndParametersAreCheckedBeforeAnythingIsDone(
            String name,
            String method,
            String path,
            String body,
            String[] headers,
            int status,
            String pointer,
            String detail) {
        long before = rows();
        String type = body == null ? null : path.contains(":batch") ? "application/x-ndjson" : "application/json";
        Http.Response r = new Http(port)
                .send(method, path, type, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);

        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("instance").asString()).isEqualTo(path.replaceFirst("\\?.*", ""));
        assertThat(problem.path("errors")).as(r.body()).anySatisfy(e -> {
            assertThat(e.path("pointer").asString()).isEqualTo(pointer);
            assertThat(e.path("detail").asString()).contains(detail);
        });
        assertThat(rows()).as("rows stored").isEqualTo(before);
    }

    @Test
    void aSuccessIsJsonWhateverAcceptAllowsBesides() {
        Http http = new Http(port);
        for (String accept : List.of(
                "application/json",
                "application/json, application/problem+json",
                "application/problem+json, */*;q=0.1",
                "application/*+json",
                "*/*",
                "application/*")) {
            Http.Response r = http.get("/v1/recommendations/PS-4.2", "Accept", accept);
            assertThat(r.status()).as(accept).isEqualTo(200);
            assertThat(r.contentType()).as(accept).startsWith("application/json");
        }
    }

    /**
     * Bytes in headers that no client library sends, over a socket: a control character (the
     * byte 0x85 of UTF-8 text read as ISO-8859-1) in any header the service reads, and headers
     * that take one value given twice. Each is a 400 naming the header, never a 500.
     */
    static Stream<Arguments> badHeaderBytes() {
        String key = "X-API-Key: " + TestKeys.ALL;
        return Stream.of(
                arguments(
                        "GET /v1/recommendations",
                        List.of(key, "Accept-Language: ja\u0085"),
                        400,
                        "rejected-request",
                        "Accept-Language"),
                arguments(
                        "GET /v1/recommendations",
                        List.of(key, "Accept-Language: \u00e6\u0097\u00a5"),
                        400,
                        "rejected-request",
                        "Accept-Language"),
                arguments(
                        "GET /v1/assessments",
                        List.of(key, "Accept-Language: ja\u0085"),
                        400,
                        "rejected-request",
                        "Accept-Language"),
                arguments(
                        "POST /v1/assessments",
                        List.of(key, "Idempotency-Key: k\u0085"),
                        400,
                        "rejected-request",
                        "Idempotency-Key"),
                arguments(
                        "POST /v1/assessments",
                        List.of(key, "Accept-Language: ja\u0085"),
                        400,
                        "rejected-request",
                        "Accept-Language"),
                arguments(
                        "GET /v1/recommendations",
                        List.of("X-API-Key: " + TestKeys.ALL + "\u0085"),
                        400,
                        "rejected-request",
                        "X-API-Key"),
                arguments(
                        "GET /v1/recommendations",
                        List.of(key, "Accept: application/json\u0085"),
                        400,
                        "rejected-request",
                        "Accept"),
                arguments(
                        "GET /v1/recommendations",
                        List.of(key, "Origin: https://a\u0085"),
                        400,
                        "rejected-request",
                        "Origin"),
                arguments(
                        "GET /v1/recommendations",
                        List.of("Authorization: Bearer \u0085"),
                        400,
                        "rejected-request",
                        "Authorization"),
                arguments(
                        "GET /actuator/health",
                        List.of("Accept-Language: ja\u0085"),
                        400,
                        "rejected-request",
                        "Accept-Language"),
                arguments(
                        "GET /v1/recommendations",
                        List.of(key, "x-api-key: " + TestKeys.AUDITOR),
                        400,
                        "invalid-request",
                        "X-API-Key"),
                arguments(
                        "POST /v1/assessments",
                        List.of(key, "Idempotency-Key: a", "Idempotency-Key: b"),
                        400,
                        "invalid-request",
                        "Idempotency-Key"),
                arguments(
                        "GET /v1/recommendations",
                        List.of("Authorization: Bearer a", "Authorization: Bearer b"),
                        400,
                        "invalid-request",
                        "Authorization"),
                arguments(
                        "POST /v1/assessments",
                        List.of(key, "Content-Type: application/json"),
                        400,
                        "invalid-request",
                        "Content-Type"));
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @MethodSource("badHeaderBytes")
    void headersAreCheckedByteForByteAndNamed(
            String request, List<String> lines, int status, String type, String header) {
        long before = rows();
        RawHttp.Response r = raw(request, lines);

        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.path("type").asString()).isEqualTo("urn:kakunin:problem:" + type);
        assertThat(problem.path("detail").asString()).contains(header);
        assertThat(problem.path("errors").get(0).path("pointer").asString()).isEqualTo(header);
        assertThat(r.body())
                .as("the value is not repeated")
                .doesNotContain("\u0085")
                .doesNotContain(TestKeys.ALL);
        assertThat(rows()).as("rows stored").isEqualTo(before);
    }

    /**
     * What Tomcat refuses before any filter runs is a problem detail too: no HTML, no server name.
     * A raw socket, because HTTP clients refuse to send these.
     */
    static Stream<Arguments> refusedByTheServer() {
        String key = "X-API-Key: " + TestKeys.ALL;
        return Stream.of(
                arguments(
                        "an Idempotency-Key of 8,000 characters",
                        "POST " + ASSESSMENTS,
                        List.of(key, "Idempotency-Key: " + "k".repeat(8000))),
                arguments(
                        "an Accept-Language of 8,000 characters",
                        "GET /v1/recommendations",
                        List.of(key, "Accept-Language: " + "a".repeat(8000) + "b".repeat(200))),
                arguments(
                        "a URL of 10,000 characters",
                        "GET " + ASSESSMENTS + "?organizationId=" + "k".repeat(10_000),
                        List.of(key)),
                arguments(
                        "a CR in a header value",
                        "GET /v1/recommendations",
                        List.of(key, "Accept-Language: ja\rX-Injected: 1")),
                arguments(
                        "a NUL in a header value",
                        "GET /v1/recommendations",
                        List.of(key, "Accept-Language: ja\u0000")),
                arguments("%00 in the path", "GET " + ASSESSMENTS + "/%00", List.of(key)),
                arguments(
                        "two Host headers",
                        "GET /v1/recommendations",
                        List.of(key, "Host: a.example", "Host: b.example")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByTheServer")
    void whatTheServerRefusesItselfIsAProblemDetailToo(String name, String request, List<String> lines) {
        long before = rows();
        RawHttp.Response r = raw(request, lines);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.path("status").asInt()).isEqualTo(400);
        assertThat(problem.path("type").asString()).isEqualTo("urn:kakunin:problem:bad-request");
        assertThat(problem.path("detail").asString()).startsWith("The request was refused before it reached the API");
        assertThat(r.body()).doesNotContainIgnoringCase("<html").doesNotContainIgnoringCase("tomcat");
        assertThat(r.header("Server")).isNull();
        assertThat(rows()).as("rows stored").isEqualTo(before);
    }

    /**
     * An array is refused when the reader reaches one element too many, before the rest is read:
     * what follows the 201st product here is not even JSON, and the answer is about the array.
     */
    @Test
    void anArrayOverItsLimitIsRefusedWhileItIsRead() {
        String products = "{}, ".repeat(201);
        Http.Response r = new Http(port)
                .postJson(
                        ASSESSMENTS, "{\"organization\":{\"id\":\"acme\"},\"products\":[" + products + "@@@ not JSON");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("errors").get(0).path("pointer").asString()).isEqualTo("/products");
        assertThat(r.json().path("errors").get(0).path("detail").asString())
                .isEqualTo("'products' holds more than 200 elements; at most 200 are accepted");

        String sources = "\"JVN\", ".repeat(21);
        r = new Http(port)
                .postJson(
                        ASSESSMENTS, "{\"organization\":{\"id\":\"acme\",\"vulnerabilitySources\":[" + sources + "@@@");
        assertThat(r.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("/organization/vulnerabilitySources");
        assertThat(r.json().path("errors").get(0).path("detail").asString()).contains("at most 20");

        String deep = "0, ".repeat(10_001);
        r = new Http(port)
                .postJson(
                        "/v1/sharing-reviews",
                        "{\"sharer\":{},\"recipients\":[{}],\"stix\":{\"type\":\"bundle\",\"x\":{\"y\":[[" + deep
                                + "@@@");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("errors").get(0).path("pointer").asString()).isEqualTo("/stix/x/y/0");
        assertThat(r.json().path("errors").get(0).path("detail").asString()).contains("at most 10000");
    }

    @Autowired
    tools.jackson.databind.json.JsonMapper json;

    @Autowired
    io.kakunin.service.web.ArrayLimits.RequestJson requests;

    /** The limits are on what clients send: stored records and everything else are read without them. */
    @Test
    void onlyRequestsAreHeldToTheArrayLimits() {
        String big = "[" + "0,".repeat(10_000) + "0]";
        assertThat(json.readValue(big, List.class)).hasSize(10_001);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> requests.mapper().readValue(big, List.class))
                .isInstanceOf(tools.jackson.core.JacksonException.class)
                .hasMessageContaining("at most 10000 are accepted");
    }

    /** Sends a request line and header lines over a raw socket; a POST carries a good assessment. */
    private RawHttp.Response raw(String request, List<String> lines) {
        boolean post = request.startsWith("POST");
        List<String> all = new java.util.ArrayList<>(lines);
        if (post) {
            all.add("Content-Type: application/json");
        }
        byte[] body =
                post ? "{\"organization\":{\"id\":\"acme\"},\"products\":[{}]}".getBytes(StandardCharsets.UTF_8) : null;
        return new RawHttp(port).send(request + " HTTP/1.1", all, body);
    }

    private long rows() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM assessment", Long.class);
    }
}
