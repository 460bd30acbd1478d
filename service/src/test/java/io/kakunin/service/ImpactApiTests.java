package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kakunin.api.model.ImpactChange;
import io.kakunin.api.model.ImpactChangedAssessment;
import io.kakunin.api.model.ImpactMove;
import io.kakunin.api.model.ImpactOutcome;
import io.kakunin.api.model.ImpactOverallMove;
import io.kakunin.api.model.ImpactPreview;
import io.kakunin.api.model.ImpactPreviewState;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.RulesetFileContent;
import io.kakunin.api.model.RulesetUpload;
import io.kakunin.client.ApiClient;
import io.kakunin.client.ApiException;
import io.kakunin.client.ApiResponse;
import io.kakunin.client.api.ImpactPreviewsApi;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * POST /v1/rulesets/impact over HTTP, through the generated client: stored assessments evaluated
 * by the active ruleset and by a candidate whose PS-4.2 "pass" rule now fails, and the job's
 * answer checked move by move and assessment by assessment; cancelling; the refusals.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ImpactApiTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String AUTHENTICATION = "product/authentication.drl";
    private static final String COMPLIANT = "product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant";
    private static final String SHARED_PASSWORD = "product-security/ps-4.2-shared-default-password-fails";

    @LocalServerPort
    int port;

    ImpactPreviewsApi api;

    @BeforeEach
    void client() {
        api = new ImpactPreviewsApi(client(TestKeys.RULE_ADMIN));
    }

    private ApiClient client(String key) {
        ApiClient client = new ApiClient();
        client.setRequestInterceptor(request -> request.header("X-API-Key", key));
        client.updateBaseUri("http://localhost:" + port);
        return client;
    }

    /** The built-in authentication rules with the rule that passes PS-4.2 made to fail it. */
    static RulesetUpload passingPs42NowFails() {
        String drl = new String(
                RulesetFiles.builtIn(ImpactApiTests.class.getClassLoader())
                        .files()
                        .get(AUTHENTICATION),
                StandardCharsets.UTF_8);
        int rule = drl.indexOf("meet PS-4.2\"");
        int pass = drl.indexOf("outcomes.pass(drools, $p);", rule);
        assertThat(rule).isPositive();
        assertThat(pass).isGreaterThan(rule);
        String edited = drl.substring(0, pass)
                + "outcomes.fail(drools, $p, \"/defaultPasswordPolicy\");"
                + drl.substring(pass + "outcomes.pass(drools, $p);".length());
        return new RulesetUpload()
                .files(new ArrayList<>(List.of(new RulesetFileContent()
                        .path(AUTHENTICATION)
                        .content(edited)
                        .encoding(RulesetFileContent.EncodingEnum.UTF_8))));
    }

    /** Stores a fixture's request as an assessment of the organization given; returns the stored verdict. */
    private JsonNode store(String fixture, String organizationId) throws Exception {
        ObjectNode request =
                (ObjectNode) JSON.readTree(Files.readString(Fixtures.root().resolve(fixture + "/request.json")));
        ((ObjectNode) request.path("organization")).put("id", organizationId);
        Http.Response created = new Http(port).as(TestKeys.SUBMITTER_A).postJson("/v1/assessments", request.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private ImpactPreview done(UUID id) {
        return await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> api.getImpactPreview(id),
                        j -> j.getState() != ImpactPreviewState.QUEUED && j.getState() != ImpactPreviewState.RUNNING);
    }

    private static int passes(JsonNode verdict, String recommendation) {
        int n = 0;
        for (JsonNode r : verdict.path("results")) {
            if (r.path("recommendationId").asString().equals(recommendation)
                    && r.path("effectiveOutcome").asString().equals("PASS")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aCandidateThatFailsWhatPassedMovesExactlyThoseResultsAndListsTheirAssessments() throws Exception {
        String organization = "impact-" + UUID.randomUUID();
        Set<String> compliant = new TreeSet<>();
        int ps42Passes = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode verdict = store(COMPLIANT, organization);
            assertThat(verdict.path("overallOutcome").asString()).isEqualTo("COMPLIANT");
            compliant.add(verdict.path("id").asString());
            ps42Passes += passes(verdict, "PS-4.2");
        }
        for (int i = 0; i < 2; i++) {
            JsonNode verdict = store(SHARED_PASSWORD, organization);
            assertThat(passes(verdict, "PS-4.2"))
                    .as("PS-4.2 fails there already")
                    .isZero();
        }
        store(COMPLIANT, "another-" + organization);
        assertThat(ps42Passes).isGreaterThanOrEqualTo(3);

        ApiResponse<ImpactPreview> started = api.createImpactPreviewWithHttpInfo(
                null, organization, null, null, null, null, null, null, passingPs42NowFails());
        assertThat(started.getStatusCode()).isEqualTo(202);
        ImpactPreview job = started.getData();
        assertThat(started.getHeaders().get("Location"))
                .singleElement()
                .asString()
                .endsWith("/v1/rulesets/impact/" + job.getId());
        assertThat(job.getCreatedBy()).startsWith("key:");

        ImpactPreview finished = done(job.getId());
        assertThat(finished.getState())
                .as(String.valueOf(finished.getFailure()))
                .isEqualTo(ImpactPreviewState.DONE);
        assertThat(finished.getCandidateRevision())
                .isEqualTo(finished.getCandidate().getRevision());
        assertThat(finished.getCandidateRevision()).isNotEqualTo(finished.getActiveRevision());
        assertThat(finished.getProgress().getCounted()).isEqualTo(5);
        assertThat(finished.getProgress().getTotal()).isEqualTo(5);
        assertThat(finished.getAssessmentsPerSecond()).isPositive();
        assertThat(finished.getSummary().getAssessmentsEvaluated()).isEqualTo(5);
        assertThat(finished.getSummary().getAssessmentsChanged()).isEqualTo(3);
        assertThat(finished.getSummary().getEvaluationFailures()).isZero();
        assertThat(finished.getSummary().getRecommendationMoves())
                .containsExactly(new ImpactMove()
                        .recommendationId("PS-4.2")
                        .from(ImpactOutcome.PASS)
                        .to(ImpactOutcome.FAIL)
                        .count((long) ps42Passes));
        assertThat(finished.getSummary().getOverallMoves())
                .containsExactly(new ImpactOverallMove()
                        .from(OverallOutcome.COMPLIANT)
                        .to(OverallOutcome.NON_COMPLIANT)
                        .count(3L));
        assertThat(finished.getSummary().getChangedAssessmentsTruncated()).isFalse();
        assertThat(finished.getSummary().getChangedAssessments())
                .extracting(ImpactChangedAssessment::getAssessmentId)
                .containsExactlyInAnyOrderElementsOf(compliant);
        for (ImpactChangedAssessment changed : finished.getSummary().getChangedAssessments()) {
            assertThat(changed.getOverallBefore()).isEqualTo(OverallOutcome.COMPLIANT);
            assertThat(changed.getOverallAfter()).isEqualTo(OverallOutcome.NON_COMPLIANT);
            assertThat(changed.getChanges()).isNotEmpty().allSatisfy(c -> {
                assertThat(c.getRecommendationId()).isEqualTo("PS-4.2");
                assertThat(c.getSubject()).startsWith("/products/");
                assertThat(c.getBefore()).isEqualTo(ImpactOutcome.PASS);
                assertThat(c.getAfter()).isEqualTo(ImpactOutcome.FAIL);
            });
        }
        assertThat(finished.getSharingReviews().getReplayed()).isFalse();
        assertThat(finished.getSharingReviews().getReason())
                .contains("victim profile")
                .contains("never stored");
        assertThat(finished.getExpiresAt()).isAfter(finished.getFinishedAt());
    }

    @Test
    void theActiveRevisionAsItsOwnCandidateChangesNothing() throws Exception {
        String organization = "impact-same-" + UUID.randomUUID();
        store(COMPLIANT, organization);
        store(SHARED_PASSWORD, organization);
        String active = new Http(port)
                .get("/v1/rulesets/active")
                .json()
                .path("revision")
                .asString();

        // No body: raw HTTP, since what a client sends for an absent optional body is its own choice.
        Http.Response started = new Http(port)
                .as(TestKeys.RULE_ADMIN)
                .send("POST", "/v1/rulesets/impact?organizationId=" + organization + "&revision=" + active, null, null);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        ImpactPreview finished = done(UUID.fromString(started.json().path("id").asString()));

        assertThat(finished.getState()).isEqualTo(ImpactPreviewState.DONE);
        assertThat(finished.getCandidate())
                .as("a stored revision is not validated again")
                .isNull();
        assertThat(finished.getSummary().getAssessmentsEvaluated()).isEqualTo(2);
        assertThat(finished.getSummary().getAssessmentsChanged()).isZero();
        assertThat(finished.getSummary().getRecommendationMoves()).isEmpty();
        assertThat(finished.getSummary().getOverallMoves()).isEmpty();
    }

    /**
     * One job runs at a time: a second job waits while the first compiles its candidate (seconds),
     * and cancelled then it never runs. The first is not held up by it.
     */
    @Test
    void aCancelledJobStopsAndStaysCancelled() throws Exception {
        String organization = "impact-cancel-" + UUID.randomUUID();
        store(COMPLIANT, organization);
        ImpactPreview first =
                api.createImpactPreview(null, organization, null, null, null, null, null, null, passingPs42NowFails());
        ImpactPreview second =
                api.createImpactPreview(null, organization, null, null, null, null, null, null, passingPs42NowFails());

        ApiResponse<ImpactPreview> cancelled = api.cancelImpactPreviewWithHttpInfo(second.getId());

        assertThat(cancelled.getStatusCode()).isEqualTo(202);
        assertThat(api.getImpactPreview(first.getId()).getState())
                .as("the premise: the first job still held the worker when the second was cancelled")
                .isIn(ImpactPreviewState.QUEUED, ImpactPreviewState.RUNNING);
        assertThat(cancelled.getData().getState()).isEqualTo(ImpactPreviewState.CANCELLED);
        assertThat(done(first.getId()).getState()).isEqualTo(ImpactPreviewState.DONE);
        ImpactPreview after = api.getImpactPreview(second.getId());
        assertThat(after.getState()).isEqualTo(ImpactPreviewState.CANCELLED);
        assertThat(after.getProgress().getCounted()).as("it never ran").isZero();
        assertThat(after.getSummary()).isNull();
        assertThat(after.getCandidate()).as("not even compiled").isNull();

        Http http = new Http(port).as(TestKeys.RULE_ADMIN);
        Http.Response again = http.send("POST", "/v1/rulesets/impact/" + first.getId() + "/cancellation", null, null);
        assertThat(again.status()).as(again.body()).isEqualTo(409);
        assertThat(again.json().path("type").asString()).isEqualTo("urn:kakunin:problem:impact-preview-finished");
    }

    @Test
    void onlyARuleAdministratorPreviewsAndBadRequestsAreRefusedByName() throws Exception {
        String body = JSON.writeValueAsString(passingPs42NowFails());
        for (String key : List.of(TestKeys.SUBMITTER_A, TestKeys.AUDITOR, TestKeys.ADMIN)) {
            Http.Response refused = new Http(port).as(key).postJson("/v1/rulesets/impact", body);
            assertThat(refused.status()).as(refused.body()).isEqualTo(403);
            assertThat(refused.json().path("detail").asString()).contains("the role RULE_ADMIN");
        }
        ApiException forbidden = org.junit.jupiter.api.Assertions.assertThrows(
                ApiException.class,
                () -> new ImpactPreviewsApi(client(TestKeys.AUDITOR))
                        .getImpactPreview(UUID.fromString("01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69")));
        assertThat(forbidden.getCode()).isEqualTo(403);

        Http admin = new Http(port).as(TestKeys.RULE_ADMIN);
        String active = admin.get("/v1/rulesets/active").json().path("revision").asString();
        Http.Response both = admin.postJson("/v1/rulesets/impact?revision=" + active, body);
        assertThat(both.status()).as(both.body()).isEqualTo(400);
        assertThat(both.json().path("errors").get(0).path("pointer").asString()).isEqualTo("revision");
        assertThat(both.json().path("detail").asString()).contains("not both");
        Http.Response bothJa = admin.postJson("/v1/rulesets/impact?revision=" + active, body, "Accept-Language", "ja");
        assertThat(bothJa.json().path("detail").asString())
                .contains("「revision」")
                .contains("どちらか一方");
        Http.Response bothZh =
                admin.postJson("/v1/rulesets/impact?revision=" + active, body, "Accept-Language", "zh-TW");
        assertThat(bothZh.json().path("detail").asString())
                .contains("「revision」")
                .contains("不能兩者皆是");

        Http.Response neither = admin.send("POST", "/v1/rulesets/impact", null, null);
        assertThat(neither.status()).as(neither.body()).isEqualTo(400);
        assertThat(neither.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("/files");

        Http.Response unknown = admin.send("POST", "/v1/rulesets/impact?revision=sha256:" + "0".repeat(64), null, null);
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
        assertThat(unknown.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("revision");

        Http.Response window = admin.postJson(
                "/v1/rulesets/impact?createdFrom=2026-12-01T00:00:00Z&createdTo=2026-11-01T00:00:00Z", body);
        assertThat(window.status()).as(window.body()).isEqualTo(400);
        assertThat(window.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("createdTo");

        Http.Response badPath =
                admin.postJson("/v1/rulesets/impact", "{\"files\":[{\"path\":\"../etc/passwd\",\"content\":\"x\"}]}");
        assertThat(badPath.status())
                .as("validation's reader: " + badPath.body())
                .isEqualTo(400);
        assertThat(badPath.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("/files/0/path");

        Http.Response missing = admin.get("/v1/rulesets/impact/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(admin.send(
                                "POST",
                                "/v1/rulesets/impact/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69/cancellation",
                                null,
                                null)
                        .status())
                .isEqualTo(404);
    }

    /** The same upload as validation takes, as a multipart form. */
    @Test
    void theCandidateMayBeUploadedAsAForm() throws Exception {
        String organization = "impact-form-" + UUID.randomUUID();
        store(COMPLIANT, organization);
        String boundary = "impact" + UUID.randomUUID();
        String content = passingPs42NowFails().getFiles().get(0).getContent();
        String form = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"files\"; filename=\"" + AUTHENTICATION + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + content + "\r\n--" + boundary + "--\r\n";
        Http.Response started = new Http(port)
                .as(TestKeys.RULE_ADMIN)
                .send(
                        "POST",
                        "/v1/rulesets/impact?organizationId=" + organization,
                        "multipart/form-data; boundary=" + boundary,
                        form.getBytes(StandardCharsets.UTF_8));
        assertThat(started.status()).as(started.body()).isEqualTo(202);

        ImpactPreview finished = done(UUID.fromString(started.json().path("id").asString()));

        assertThat(finished.getState()).isEqualTo(ImpactPreviewState.DONE);
        assertThat(finished.getSummary().getAssessmentsChanged()).isEqualTo(1);
        assertThat(finished.getSummary().getChangedAssessments().get(0).getChanges())
                .extracting(ImpactChange::getAfter)
                .containsOnly(ImpactOutcome.FAIL);
    }
}
