package io.kakunin.service.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import ch.qos.logback.classic.Level;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.Problem;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.service.JsonConfiguration;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.LogCapture;
import io.kakunin.service.ProblemShape;
import io.kakunin.service.sharing.VictimProfilePrivacy;
import jakarta.servlet.RequestDispatcher;
import jakarta.validation.Valid;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How each refusal is mapped to its problem, in a Spring MVC slice: the problem handler, the error
 * controller and the filters that refuse requests, with the service's strict JSON reading and the
 * problem factory, and no server, database or ruleset. The requests come to a controller of this
 * test that takes the contract's own request bodies and throws what the service's code throws.
 */
@WebMvcTest(
        controllers = {ProblemMappingTests.Stimuli.class, ProblemErrorController.class},
        properties = "kakunin.limits.max-body-size=2KB")
@Import({ProblemMappingTests.Stimuli.class, Problems.class, JsonConfiguration.class, VictimProfilePrivacy.class})
@EnableConfigurationProperties(KakuninProperties.class)
class ProblemMappingTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc mvc;

    @Autowired
    Problems problems;

    @RestController
    static class Stimuli {

        @PostMapping(path = "/stimuli/assessment", consumes = MediaType.APPLICATION_JSON_VALUE)
        void assessment(@Valid @RequestBody AssessmentRequest request) {}

        @PostMapping(path = "/stimuli/sharing", consumes = MediaType.APPLICATION_JSON_VALUE)
        void sharing(@Valid @RequestBody SharingReviewRequest request) {}

        @GetMapping(path = "/stimuli/json", produces = MediaType.APPLICATION_JSON_VALUE)
        Map<String, Integer> json(@RequestParam(name = "limit", required = false) Integer limit) {
            return Map.of("limit", limit == null ? 0 : limit);
        }

        @GetMapping("/stimuli/missing")
        void missing() {
            throw new NotFoundException("assessment", "01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69");
        }

        @GetMapping("/stimuli/busy")
        void busy() {
            throw ApiProblem.busy("Other rulesets are being validated; retry shortly.", 5);
        }

        @GetMapping("/stimuli/conflict")
        void conflict() {
            throw ApiProblem.conflict(
                    "idempotency-key-reused", "The Idempotency-Key was used with another request", "Send a new key.");
        }

        @GetMapping("/stimuli/broken")
        void broken() {
            throw new IllegalStateException("a fault of the service, with a secret: hunter2");
        }
    }

    /** The body of a problem answer, after checking that it is one, of this status, on this path. */
    private JsonNode problem(RequestBuilder request, int status, String path, boolean namesAField) throws Exception {
        MvcResult result = mvc.perform(request).andReturn();
        String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(result.getResponse().getStatus()).as(body).isEqualTo(status);
        assertThat(result.getResponse().getContentType()).as(body).startsWith(ProblemShape.MEDIA_TYPE);
        JsonNode problem = JSON.readTree(body);
        ProblemShape.assertShape(problem, status, path, namesAField);
        return problem;
    }

    private static MockHttpServletRequestBuilder postJson(String path, String body) {
        return post(path).contentType(MediaType.APPLICATION_JSON).content(body);
    }

    // ------------------------------------------------------------------ request bodies

    @Test
    void malformedJsonNamesWhereItBroke() throws Exception {
        JsonNode p = problem(
                postJson("/stimuli/assessment", "{\"organization\":{},\"products\":[{"),
                400,
                "/stimuli/assessment",
                true);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:invalid-request");
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("/products/0");
        assertThat(p.path("detail").asString()).startsWith("/products/0: the body is not valid JSON at line 1");
    }

    @Test
    void aWrongTypeIsNamedWithWhatItMustBe() throws Exception {
        JsonNode p = problem(
                postJson("/stimuli/assessment", "{\"organization\":{\"id\":7},\"products\":[{}]}"),
                400,
                "/stimuli/assessment",
                true);
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("/organization/id");
        assertThat(p.path("errors").get(0).path("detail").asString()).contains("must be a string");
    }

    @Test
    void anUnknownEnumValueListsTheAllowedOnes() throws Exception {
        JsonNode p = problem(
                postJson(
                        "/stimuli/assessment",
                        "{\"organization\":{},\"products\":[{\"defaultPasswordPolicy\":\"SOMETIMES\"}]}"),
                400,
                "/stimuli/assessment",
                true);
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("/products/0/defaultPasswordPolicy");
        assertThat(p.path("errors").get(0).path("detail").asString())
                .contains("allowed values: ")
                .contains("SHARED");
    }

    @Test
    void anUnknownFieldIsNamedWithTheKnownOnes() throws Exception {
        JsonNode p = problem(
                postJson("/stimuli/assessment", "{\"organization\":{\"nmae\":\"x\"},\"products\":[{}]}"),
                400,
                "/stimuli/assessment",
                true);
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("/organization/nmae");
        assertThat(p.path("errors").get(0).path("detail").asString())
                .startsWith("'nmae' is not a field of this object; its fields are: ");
    }

    @Test
    void constraintViolationsAreNamedByPointer() throws Exception {
        JsonNode p = problem(
                postJson("/stimuli/assessment", "{\"organization\":{},\"products\":[]}"),
                400,
                "/stimuli/assessment",
                true);
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("/products");
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String big = "{\"organization\":{\"name\":\"" + "a".repeat(3000) + "\"},\"products\":[{}]}";
        JsonNode p = problem(postJson("/stimuli/assessment", big), 413, "/stimuli/assessment", false);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:payload-too-large");
        assertThat(p.path("detail").asString()).contains("2048 bytes");
    }

    /** The sharing feature declares its victim profile never echoed; the factory honours it on every reading error under it. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"names\":[SecretVictimToken]}",
                "{\"names\":\"SecretVictimToken\"}",
                "{\"names\":[\"x\"],\"SecretVictimToken\":1}",
                "{\"ipRanges\":[{\"SecretVictimToken\":1}]}"
            })
    void aVictimProfileThatCannotBeReadIsNotEchoed(String profile) throws Exception {
        String body = "{\"sharer\":{\"type\":\"SOC_MSSP_OPERATOR\"},\"recipients\":[{\"type\":\"NONPROFIT_CSIRT\"}],"
                + "\"items\":[{\"category\":\"TTP\",\"value\":\"T1566\"}],\"victimProfile\":" + profile + "}";
        MvcResult result = mvc.perform(postJson("/stimuli/sharing", body)).andReturn();
        String answer = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(result.getResponse().getStatus()).as(answer).isEqualTo(400);
        JsonNode p = JSON.readTree(answer);
        assertThat(p.path("errors").get(0).path("pointer").asString()).startsWith("/victimProfile");
        assertThat(answer).doesNotContain("SecretVictimToken");
    }

    /** The same reading errors elsewhere in the request are echoed as usual: the rule covers the declared member only. */
    @Test
    void valuesOutsideTheVictimProfileAreQuotedAsUsual() throws Exception {
        JsonNode p = problem(
                postJson(
                        "/stimuli/sharing",
                        "{\"sharer\":{\"type\":\"SOC_MSSP_OPERATOR\"},\"recipients\":[{\"type\":"
                                + "\"NONPROFIT_CSIRT\"}],\"items\":[{\"category\":\"TTP\",\"value\":\"T1566\"}],\"victimProfileX\":1}"),
                400,
                "/stimuli/sharing",
                true);
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("/victimProfileX");
    }

    // ------------------------------------------------------------------ what Spring MVC refuses

    @Test
    void anUnsupportedMediaTypeIs415NamingWhatToSend() throws Exception {
        JsonNode p = problem(
                post("/stimuli/assessment").contentType(MediaType.TEXT_PLAIN).content("{}"),
                415,
                "/stimuli/assessment",
                true);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:unsupported-media-type");
        assertThat(p.path("detail").asString())
                .isEqualTo("The Content-Type header 'text/plain' is not a type this operation reads: send "
                        + "application/json.");
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("Content-Type");
    }

    @Test
    void aBodyWithoutAContentTypeIs415NamingWhatToSend() throws Exception {
        JsonNode p = problem(post("/stimuli/assessment").content("{}"), 415, "/stimuli/assessment", true);
        assertThat(p.path("detail").asString())
                .as("not \"Content-Type 'null' is not supported\"")
                .isEqualTo("The Content-Type header is missing: send application/json.");
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("Content-Type");
        assertThat(p.path("errors").get(0).path("detail").asString()).isEqualTo("is missing: send application/json");
    }

    @Test
    void anAcceptThatAllowsNoAnswerIs406NamingTheHeader() throws Exception {
        JsonNode p = problem(get("/stimuli/json").accept(MediaType.APPLICATION_XML), 406, "/stimuli/json", true);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:not-acceptable");
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("Accept");
    }

    @Test
    void aParameterOfTheWrongTypeIsNamed() throws Exception {
        JsonNode p = problem(get("/stimuli/json").param("limit", "ten"), 400, "/stimuli/json", true);
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("limit");
        assertThat(p.path("errors").get(0).path("detail").asString())
                .isEqualTo("'ten' is not valid: must be a whole number within range");
    }

    @Test
    void anUnsupportedMethodIs405WithAllow() throws Exception {
        MvcResult result = mvc.perform(delete("/stimuli/assessment")).andReturn();
        assertThat(result.getResponse().getHeader("Allow")).contains("POST");
        JsonNode p = problem(delete("/stimuli/assessment"), 405, "/stimuli/assessment", false);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:method-not-allowed");
    }

    @Test
    void noSuchEndpointIs404() throws Exception {
        JsonNode p = problem(get("/stimuli/nothing-here"), 404, "/stimuli/nothing-here", false);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:not-found");
    }

    // ------------------------------------------------------------------ what the service's code throws

    @Test
    void noSuchRecordIs404OfTheSameTypeAndTitle() throws Exception {
        JsonNode record = problem(get("/stimuli/missing"), 404, "/stimuli/missing", false);
        JsonNode endpoint = problem(get("/stimuli/nothing-here"), 404, "/stimuli/nothing-here", false);
        assertThat(record.path("type")).isEqualTo(endpoint.path("type"));
        assertThat(record.path("title")).isEqualTo(endpoint.path("title"));
    }

    @Test
    void aRefusalOfTheContractKeepsItsTypeTitleAndHeaders() throws Exception {
        MvcResult busy = mvc.perform(get("/stimuli/busy")).andReturn();
        assertThat(busy.getResponse().getHeader("Retry-After")).isEqualTo("5");
        JsonNode p = problem(get("/stimuli/busy"), 503, "/stimuli/busy", false);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:busy");
        assertThat(p.path("title").asString()).isEqualTo("The service is busy");

        JsonNode conflict = problem(get("/stimuli/conflict"), 409, "/stimuli/conflict", false);
        assertThat(conflict.path("type").asString()).isEqualTo("urn:kakunin:problem:idempotency-key-reused");
        assertThat(conflict.path("title").asString()).isEqualTo("The Idempotency-Key was used with another request");
    }

    @Test
    void anUnexpectedFailureIs500WithoutItsMessageAndIsLoggedOnce() throws Exception {
        JsonNode p;
        LogCapture log = LogCapture.start();
        try (log) {
            p = problem(get("/stimuli/broken"), 500, "/stimuli/broken", false);
        }
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:internal-error");
        assertThat(p.toString()).doesNotContain("hunter2");
        assertThat(log.atLeast(Level.ERROR))
                .as("the failure is logged, with its stack trace, for whoever runs the service")
                .singleElement()
                .satisfies(line -> assertThat(line).contains("Unexpected failure on GET /stimuli/broken"));
        assertThat(log.anyStackTrace()).isTrue();
    }

    // ------------------------------------------------------------------ the error controller

    /** As the container forwards to /error (asked for directly, /error is 404: PublicUrlTests). */
    private static org.springframework.mock.web.MockHttpServletRequest asErrorDispatch(
            org.springframework.mock.web.MockHttpServletRequest request) {
        request.setDispatcherType(jakarta.servlet.DispatcherType.ERROR);
        return request;
    }

    /** What the container sends to /error is answered in the same shape, with the same type as the API's own for that status. */
    @ParameterizedTest
    @ValueSource(ints = {400, 404, 405, 413, 500})
    void theErrorControllerAnswersInTheSameShape(int status) throws Exception {
        JsonNode p = problem(
                get("/error")
                        .with(ProblemMappingTests::asErrorDispatch)
                        .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, status)
                        .requestAttr(RequestDispatcher.ERROR_REQUEST_URI, "/v1/somewhere"),
                status,
                "/v1/somewhere",
                false);
        if (status == 413) {
            assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:payload-too-large");
        }
        if (status == 500) {
            assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:internal-error");
        }
    }

    @Test
    void theErrorControllerDoesNotRepeatAPathThatIsNotAUri() throws Exception {
        MvcResult result = mvc.perform(get("/error")
                        .with(ProblemMappingTests::asErrorDispatch)
                        .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 400)
                        .requestAttr(RequestDispatcher.ERROR_REQUEST_URI, "/v1/a b<script>"))
                .andReturn();
        JsonNode p = JSON.readTree(result.getResponse().getContentAsString(StandardCharsets.UTF_8));
        assertThat(p.has("instance")).isFalse();
        assertThat(p.toString()).doesNotContain("script");
    }

    // ------------------------------------------------------------------ the factory's other outputs

    /** The servlet container's error report is written by the factory too: the same members, in JSON, not by hand. */
    @Test
    void theContainersErrorReportIsTheSameShape() {
        ProblemErrorReportValve valve = new ProblemErrorReportValve(problems);
        JsonNode p =
                JSON.readTree(valve.body(400, "Invalid character found in the request target \"<\"", null, "/v1/x"));
        ProblemShape.assertShape(p, 400, "/v1/x", false);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:bad-request");
        assertThat(p.toString()).doesNotContain("<");
    }

    /** A batch line carries the contract's Problem: the same members as the problem a single request gets. */
    @Test
    void aBatchLineCarriesTheSameProblem() {
        var detail = problems.invalid(
                List.of(new FieldProblem("/products", "size must be between 1 and 200")), "/v1/assessments:batch");
        ProblemShape.assertShape(JSON.readTree(problems.toJson(detail)), 400, "/v1/assessments:batch", true);
        Problem line = problems.toContract(detail);
        assertThat(line.getType()).isEqualTo(detail.getType());
        assertThat(line.getTitle()).isEqualTo(detail.getTitle());
        assertThat(line.getStatus()).isEqualTo(400);
        assertThat(line.getDetail()).isEqualTo("/products: size must be between 1 and 200");
        assertThat(line.getInstance()).hasToString("/v1/assessments:batch");
        assertThat(line.getErrors()).singleElement().satisfies(e -> {
            assertThat(e.getPointer()).isEqualTo("/products");
            assertThat(e.getDetail()).isEqualTo("size must be between 1 and 200");
        });
    }

    // ------------------------------------------------------------------ the filters that refuse requests

    @Test
    void aHeaderThatTakesOneValueGivenTwiceIsRefusedNamingIt() throws Exception {
        JsonNode p = problem(get("/stimuli/json").header("Idempotency-Key", "a", "b"), 400, "/stimuli/json", true);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:invalid-request");
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("Idempotency-Key");
    }

    @Test
    void aControlCharacterInAHeaderIsRefusedWithoutRepeatingTheValue() throws Exception {
        JsonNode p =
                problem(get("/stimuli/json").header("Accept-Language", "ja\u0085secret"), 400, "/stimuli/json", true);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:rejected-request");
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("Accept-Language");
        assertThat(p.toString()).doesNotContain("secret").doesNotContain("\u0085");
    }

    @Test
    void aCompressedBodyIs415AskingForIdentity() throws Exception {
        RequestBuilder gzip = postJson("/stimuli/assessment", "{}").header("Content-Encoding", "gzip");
        assertThat(mvc.perform(gzip).andReturn().getResponse().getHeader("Accept-Encoding"))
                .isEqualTo("identity");
        JsonNode p = problem(gzip, 415, "/stimuli/assessment", true);
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:unsupported-media-type");
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("Content-Encoding");
    }

    @Test
    void aQueryParameterOfTheApiGivenTwiceIsRefusedNamingIt() throws Exception {
        JsonNode p = problem(get("/v1/anything?limit=1&limit=2"), 400, "/v1/anything", true);
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("limit");
        assertThat(p.path("errors").get(0).path("detail").asString())
                .isEqualTo("is given more than once; give it once");
    }

    @Test
    void aQueryValueThatIsNotPercentEncodedUtf8IsRefusedNamingIt() throws Exception {
        JsonNode p = problem(
                get("/stimuli/json").with(request -> {
                    request.setQueryString("limit=%C3%28");
                    return request;
                }),
                400,
                "/stimuli/json",
                true);
        assertThat(p.path("errors").get(0).path("pointer").asString()).isEqualTo("limit");
        assertThat(p.path("errors").get(0).path("detail").asString()).contains("is not validly encoded");
    }
}
