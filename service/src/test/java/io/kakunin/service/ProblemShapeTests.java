package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One request per kind of refusal, over a real HTTP server, whichever part of the service refuses
 * it (the JSON reader, content negotiation, Spring Security, Spring MVC, the servlet container,
 * the security firewall, a batch line): every answer is the same shape, made in one place. The
 * same media type and the same shape ({@link ProblemShape}): the same members, one type prefix,
 * and the status of the answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ProblemShapeTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ASSESSMENTS = "/v1/assessments";
    private static final String GOOD =
            "{\"organization\":{\"id\":\"acme\"},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\"}]}";

    @LocalServerPort
    int port;

    /**
     * What came back: the status, the media type (none for a batch line, which is a member of the
     * batch's NDJSON answer), the problem body, and the path it was about.
     */
    record Answer(int status, String contentType, JsonNode problem, String path) {}

    /** One refusal: how to provoke it, what status it gets, and whether it names a field. */
    record Refusal(String name, Function<Integer, Answer> send, int status, boolean namesAField) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> refusals() {
        List<Refusal> all = new ArrayList<>();
        all.add(new Refusal(
                "malformed JSON",
                port -> post(port, ASSESSMENTS, "application/json", "{\"organization\":{},\"products\":[{"),
                400,
                true));
        all.add(new Refusal(
                "wrong type",
                port -> post(
                        port, ASSESSMENTS, "application/json", "{\"organization\":{\"name\":{}},\"products\":[{}]}"),
                400,
                true));
        all.add(new Refusal(
                "unknown enum value",
                port -> post(
                        port,
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"SOMETIMES\"}]}"),
                400,
                true));
        all.add(new Refusal(
                "constraint violation",
                port -> post(port, ASSESSMENTS, "application/json", "{\"organization\":{},\"products\":[]}"),
                400,
                true));
        all.add(new Refusal(
                "body too large",
                port -> post(
                        port,
                        ASSESSMENTS,
                        "application/json",
                        "{\"organization\":{\"name\":\"" + "a".repeat(1_100_000) + "\"},\"products\":[{}]}"),
                413,
                false));
        all.add(new Refusal("unsupported media type", port -> post(port, ASSESSMENTS, "text/plain", GOOD), 415, true));
        all.add(new Refusal(
                "not acceptable",
                port -> http(
                        port,
                        new Http(port).get("/v1/recommendations", "Accept", "application/xml"),
                        "/v1/recommendations"),
                406,
                true));
        all.add(new Refusal(
                "a header given twice",
                port -> raw(
                        port,
                        "GET /v1/recommendations",
                        List.of("X-API-Key: " + TestKeys.ALL, "Idempotency-Key: a", "Idempotency-Key: b")),
                400,
                true));
        all.add(new Refusal(
                "a query parameter given twice",
                port -> http(port, new Http(port).get(ASSESSMENTS + "?limit=1&limit=2"), ASSESSMENTS),
                400,
                true));
        all.add(new Refusal(
                "no credentials (401)",
                port -> http(port, new Http(port).as(null).get("/v1/recommendations"), "/v1/recommendations"),
                401,
                false));
        all.add(new Refusal(
                "a role that may not (403)",
                port -> http(port, new Http(port).as(TestKeys.AUDITOR).postJson(ASSESSMENTS, GOOD), ASSESSMENTS),
                403,
                false));
        all.add(new Refusal(
                "no such record (404)",
                port -> http(
                        port,
                        new Http(port).get(ASSESSMENTS + "/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69"),
                        ASSESSMENTS + "/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69"),
                404,
                false));
        all.add(new Refusal(
                "no such endpoint (404)",
                port -> http(port, new Http(port).get("/v1/nothing-here"), "/v1/nothing-here"),
                404,
                false));
        all.add(new Refusal(
                "method not allowed (405)",
                port -> http(port, new Http(port).send("DELETE", ASSESSMENTS, null, null), ASSESSMENTS),
                405,
                false));
        all.add(new Refusal(
                "refused by the security firewall",
                port -> http(port, new Http(port).get("/v1/recommendations/a%2Fb"), "/v1/recommendations/a%2Fb"),
                400,
                false));
        all.add(new Refusal(
                "a CR in a header, refused by the servlet container",
                port -> raw(
                        port,
                        "GET /v1/recommendations",
                        List.of("X-API-Key: " + TestKeys.ALL, "Accept-Language: ja\rX-Injected: 1")),
                400,
                false));
        all.add(new Refusal(
                "a bad request line, refused by the servlet container",
                port -> raw(port, "GET /v1/recommendations HTTP/1.1 x", List.of("X-API-Key: " + TestKeys.ALL)),
                400,
                false));
        all.add(new Refusal(
                "a bad batch line",
                port -> batchLine(
                        port, "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"SOMETIMES\"}]}"),
                400,
                true));
        all.add(new Refusal(
                "a batch line too large",
                port -> batchLine(
                        port, "{\"organization\":{\"name\":\"" + "a".repeat(1_100_000) + "\"},\"products\":[{}]}"),
                413,
                false));
        return all.stream().map(r -> arguments(r));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void everyRefusalHasTheSameShape(Refusal refusal) {
        Answer answer = refusal.send().apply(port);

        assertThat(answer.status()).as(answer.problem().toString()).isEqualTo(refusal.status());
        if (answer.contentType() != null) {
            assertThat(answer.contentType()).as(refusal.name()).startsWith(ProblemShape.MEDIA_TYPE);
        }
        ProblemShape.assertShape(answer.problem(), answer.status(), answer.path(), refusal.namesAField());
    }

    private static Answer post(int port, String path, String contentType, String body) {
        return http(port, new Http(port).send("POST", path, contentType, body.getBytes(StandardCharsets.UTF_8)), path);
    }

    private static Answer http(int port, Http.Response r, String path) {
        return new Answer(r.status(), r.contentType(), r.json(), path);
    }

    private static Answer raw(int port, String request, List<String> headers) {
        String path = request.split(" ")[1];
        RawHttp.Response r =
                new RawHttp(port).send(request + (request.split(" ").length > 2 ? "" : " HTTP/1.1"), headers, null);
        return new Answer(r.status(), r.contentType(), r.json(), path);
    }

    /**
     * The problem of a batch's only line: the batch itself is answered 200 in NDJSON; the line
     * carries the status and problem a single request would have got.
     */
    private static Answer batchLine(int port, String line) {
        Http.Response r = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .send(
                        "POST",
                        ASSESSMENTS + ":batch",
                        "application/x-ndjson",
                        (line + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(r.body().strip());
        return new Answer(result.path("status").asInt(), null, result.path("problem"), ASSESSMENTS + ":batch");
    }
}
