package io.kakunin.service;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Each kind of bad input gets the right 4xx status and a problem body naming the field, and
 * writes nothing. Over a real HTTP server, with the bytes a broken or hostile client sends.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "kakunin.limits.max-body-size=64KB")
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
                arguments("malformed JSON", "POST", ASSESSMENTS, "application/json", "{\"organization\":{},\"products\":[{", 400, "/products/0"),
                arguments("not JSON at all", "POST", ASSESSMENTS, "application/json", "organization=acme", 400, ""),
                arguments("trailing garbage", "POST", ASSESSMENTS, "application/json", "{\"organization\":{},\"products\":[{}]} {}", 400, ""),
                arguments("empty body", "POST", ASSESSMENTS, "application/json", "", 400, ""),
                arguments("JSON null", "POST", ASSESSMENTS, "application/json", "null", 400, ""),
                arguments("an array instead of an object", "POST", ASSESSMENTS, "application/json", "[]", 400, ""),
                arguments("wrong type: string for boolean", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{},\"products\":[{\"credentialChangeable\":\"yes\"}]}", 400, "/products/0/credentialChangeable"),
                arguments("wrong type: object for string", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{\"name\":{}},\"products\":[{}]}", 400, "/organization/name"),
                arguments("wrong type: number for list", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{},\"products\":[{\"networkServices\":5}]}", 400, "/products/0/networkServices"),
                arguments("wrong type: number for string (no silent conversion)", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{\"id\":7},\"products\":[{}]}", 400, "/organization/id"),
                arguments("wrong type: string for number (no silent conversion)", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{},\"products\":[{\"networkServices\":[{\"port\":\"22\"}]}]}", 400, "/products/0/networkServices/0/port"),
                arguments("wrong type: boolean for string (no silent conversion)", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{\"name\":true},\"products\":[{}]}", 400, "/organization/name"),
                arguments("number too large for an int", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{\"monitoringIntervalDays\":99999999999999999999},\"products\":[{}]}", 400, "/organization/monitoringIntervalDays"),
                arguments("unknown enum value", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"SOMETIMES\"}]}", 400, "/products/0/defaultPasswordPolicy"),
                arguments("enum value in the wrong case", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"shared\"}]}", 400, "/products/0/defaultPasswordPolicy"),
                arguments("invalid date", "POST", ASSESSMENTS, "application/json",
                        "{\"assessmentDate\":\"2026-02-30\",\"organization\":{},\"products\":[{}]}", 400, "/assessmentDate"),
                arguments("missing required organization", "POST", ASSESSMENTS, "application/json",
                        "{\"products\":[{}]}", 400, "/organization"),
                arguments("missing required products", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{}}", 400, "/products"),
                arguments("no product", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{},\"products\":[]}", 400, "/products"),
                arguments("a null product", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{},\"products\":[null]}", 400, "/products/0"),
                arguments("a null element deep inside", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{},\"products\":[{\"networkServices\":[{\"authRequired\":true},null]}]}", 400, "/products/0/networkServices/1"),
                arguments("unknown field (a misspelt fact)", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{},\"products\":[{\"defaultPaswordPolicy\":\"SHARED\"}]}", 400, "/products/0/defaultPaswordPolicy"),
                arguments("constraint violation: port out of range", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{},\"products\":[{\"networkServices\":[{\"port\":70000}]}]}", 400, "/products/0/networkServices/0/port"),
                arguments("constraint violation: string too long", "POST", ASSESSMENTS, "application/json",
                        "{\"organization\":{\"id\":\"" + "x".repeat(201) + "\"},\"products\":[{}]}", 400, "/organization/id"),
                arguments("body over the configured size", "POST", ASSESSMENTS, "application/json", big, 413, null),
                arguments("wrong media type", "POST", ASSESSMENTS, "text/plain", "{\"organization\":{},\"products\":[{}]}", 415, null),
                arguments("no media type", "POST", ASSESSMENTS, null, "{\"organization\":{},\"products\":[{}]}", 415, null),
                arguments("unknown assessment", "GET", ASSESSMENTS + "/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69", null, null, 404, null),
                arguments("assessment ID that is not a UUID", "GET", ASSESSMENTS + "/not-a-uuid", null, null, 400, "id"),
                arguments("unknown recommendation", "GET", "/v1/recommendations/PS-9.9", null, null, 404, null),
                arguments("recommendation ID of the wrong form", "GET", "/v1/recommendations/drop%20table", null, null, 400, "id"),
                arguments("method not allowed", "DELETE", ASSESSMENTS, null, null, 405, null),
                arguments("no such endpoint", "GET", "/v1/nothing-here", null, null, 404, null));
    }

    @ParameterizedTest(name = "{0} -> {5}")
    @MethodSource("badRequests")
    void badInputGetsAProblemNamingTheFieldAndWritesNothing(String name, String method, String path, String contentType,
                                                           String body, int status, String pointer) {
        long before = rows();
        Http.Response r = new Http(port).send(method, path, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("type").asString()).startsWith("urn:kakunin:problem:");
        assertThat(problem.path("instance").asString()).isEqualTo(path);
        if (pointer != null) {
            assertThat(problem.path("errors")).as(r.body()).anySatisfy(e -> assertThat(e.path("pointer").asString()).isEqualTo(pointer));
            assertThat(problem.path("detail").asString()).isNotBlank();
        }
        assertThat(rows()).as("rows stored").isEqualTo(before);
    }

    private long rows() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM assessment", Long.class);
    }
}
