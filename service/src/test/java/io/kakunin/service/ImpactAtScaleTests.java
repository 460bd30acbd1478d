package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.ImpactChangedAssessment;
import io.kakunin.api.model.ImpactMove;
import io.kakunin.api.model.ImpactOverallMove;
import io.kakunin.api.model.ImpactPreview;
import io.kakunin.api.model.ImpactPreviewState;
import io.kakunin.api.model.Result;
import io.kakunin.client.ApiClient;
import io.kakunin.client.api.ImpactPreviewsApi;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An impact preview over 10,000 stored assessments, checked against evaluating each one on its
 * own: every product-security fixture's request is stored over and over through the batch (10,000
 * records of one organization), the preview runs a candidate whose PS-4.2 "pass" rule fails, and
 * its counts (per recommendation and move, overall moves, the changed assessments by ID) must equal
 * what this test computes by evaluating each request by the built-in ruleset and by the candidate
 * itself, with its own comparison (not the service's {@code ImpactTally}). Pages of 250, so that
 * the job pages through the store 40 times; the changed assessments are all listed, so that a
 * record skipped or counted twice shows by its ID. Prints the job's rate.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"kakunin.impact.page-size=250", "kakunin.impact.max-listed=10000"})
@ActiveProfiles("test")
class ImpactAtScaleTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int STORED = 10_000;
    private static final int LINES_PER_BATCH = 2_000;

    @LocalServerPort
    int port;

    /** What changes for one request: its result moves ("PS-4.2 PASS->FAIL") and its overall move, if any. */
    private record Change(List<String> moves, String overall) {
        boolean any() {
            return !moves.isEmpty() || overall != null;
        }
    }

    @Test
    void theCountsOverTenThousandStoredAssessmentsMatchEvaluatingEachOneOnItsOwn() throws Exception {
        String organization = "impact-scale-" + UUID.randomUUID();
        List<String> requests = fixtureRequests(organization);
        assertThat(requests).as("every product-security fixture").hasSizeGreaterThan(100);

        // What each distinct request changes, evaluated here, one request at a time.
        Ruleset base = Ruleset.builtIn();
        Ruleset candidate = Ruleset.compile(
                RulesetFiles.builtIn(getClass().getClassLoader())
                        .with(
                                "product/authentication.drl",
                                ImpactApiTests.passingPs42NowFails()
                                        .getFiles()
                                        .get(0)
                                        .getContent()
                                        .getBytes(StandardCharsets.UTF_8)),
                "candidate");
        List<Change> changes = new ArrayList<>();
        for (String request : requests) {
            AssessmentRequest parsed = JSON.readValue(request, AssessmentRequest.class);
            changes.add(change(base.assessUnrendered(parsed), candidate.assessUnrendered(parsed)));
        }
        assertThat(changes)
                .as("the premise: some requests change and some do not")
                .anyMatch(Change::any)
                .anyMatch(c -> !c.any());

        // Store 10,000 assessments, cycling through the requests; remember which request each ID is.
        Map<String, Integer> requestOf = new HashMap<>();
        for (int from = 0; from < STORED; from += LINES_PER_BATCH) {
            StringBuilder body = new StringBuilder();
            for (int line = from; line < from + LINES_PER_BATCH; line++) {
                body.append(requests.get(line % requests.size())).append('\n');
            }
            Http.Response answered = new Http(port)
                    .as(TestKeys.SUBMITTER_A)
                    .send(
                            "POST",
                            "/v1/assessments:batch",
                            "application/x-ndjson",
                            body.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(answered.status()).as(answered.body()).isEqualTo(200);
            for (String text : answered.body().split("\n")) {
                JsonNode line = JSON.readTree(text);
                assertThat(line.path("status").asInt()).as(text).isEqualTo(201);
                requestOf.put(
                        line.path("id").asString(), (from + line.path("line").asInt() - 1) % requests.size());
            }
        }
        assertThat(requestOf).hasSize(STORED);

        Map<String, Long> expectedMoves = new TreeMap<>();
        Map<String, Long> expectedOverall = new TreeMap<>();
        Set<String> expectedChanged = new HashSet<>();
        requestOf.forEach((id, request) -> {
            Change change = changes.get(request);
            change.moves().forEach(m -> expectedMoves.merge(m, 1L, Long::sum));
            if (change.overall() != null) {
                expectedOverall.merge(change.overall(), 1L, Long::sum);
            }
            if (change.any()) {
                expectedChanged.add(id);
            }
        });

        long started = System.nanoTime();
        Http admin = new Http(port).as(TestKeys.RULE_ADMIN);
        Http.Response created = admin.postJson(
                "/v1/rulesets/impact?organizationId=" + organization,
                JSON.writeValueAsString(ImpactApiTests.passingPs42NowFails()));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        UUID job = UUID.fromString(created.json().path("id").asString());
        ImpactPreviewsApi api = new ImpactPreviewsApi(client());
        ImpactPreview finished = await().atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> api.getImpactPreview(job),
                        j -> j.getState() != ImpactPreviewState.QUEUED && j.getState() != ImpactPreviewState.RUNNING);
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(finished.getState())
                .as(String.valueOf(finished.getFailure()))
                .isEqualTo(ImpactPreviewState.DONE);
        assertThat(finished.getProgress().getTotal()).isEqualTo(STORED);
        assertThat(finished.getProgress().getCounted()).isEqualTo(STORED);
        assertThat(finished.getSummary().getAssessmentsEvaluated()).isEqualTo(STORED);
        assertThat(finished.getSummary().getEvaluationFailures()).isZero();

        Map<String, Long> moves = new TreeMap<>();
        for (ImpactMove m : finished.getSummary().getRecommendationMoves()) {
            moves.put(
                    m.getRecommendationId() + " " + m.getFrom().getValue() + "->"
                            + m.getTo().getValue(),
                    m.getCount());
        }
        assertThat(moves).isNotEmpty().isEqualTo(expectedMoves);
        Map<String, Long> overall = new TreeMap<>();
        for (ImpactOverallMove m : finished.getSummary().getOverallMoves()) {
            overall.put(m.getFrom().getValue() + "->" + m.getTo().getValue(), m.getCount());
        }
        assertThat(overall).isEqualTo(expectedOverall);
        assertThat(finished.getSummary().getAssessmentsChanged()).isEqualTo(expectedChanged.size());
        assertThat(finished.getSummary().getChangedAssessmentsTruncated()).isFalse();
        assertThat(finished.getSummary().getChangedAssessments())
                .extracting(ImpactChangedAssessment::getAssessmentId)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expectedChanged);

        System.out.printf(
                Locale.ROOT,
                "impact preview over %,d stored assessments (each evaluated by both rulesets): %.1f s from request"
                        + " to result, %.0f assessments/s as the job reports it%n",
                STORED,
                seconds,
                finished.getAssessmentsPerSecond());
    }

    private ApiClient client() {
        ApiClient client = new ApiClient();
        client.setRequestInterceptor(request -> request.header("X-API-Key", TestKeys.RULE_ADMIN));
        client.updateBaseUri("http://localhost:" + port);
        return client;
    }

    /** Every product-security fixture's request, as one NDJSON line naming the organization given. */
    private static List<String> fixtureRequests(String organization) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> scenarios = Files.list(Fixtures.root().resolve("product-security"))) {
            for (Path scenario : scenarios.sorted().toList()) {
                Path request = scenario.resolve("request.json");
                if (Files.exists(request)) {
                    ObjectNode tree = (ObjectNode) JSON.readTree(Files.readString(request));
                    if (!(tree.get("organization") instanceof ObjectNode)) {
                        tree.putObject("organization");
                    }
                    ((ObjectNode) tree.get("organization")).put("id", organization);
                    lines.add(JSON.writeValueAsString(tree));
                }
            }
        }
        return lines;
    }

    /** Compares two verdicts of one request on (recommendation, subject) by effective outcome. */
    private static Change change(Assessment before, Assessment after) {
        Map<String, String> was = outcomes(before);
        Map<String, String> is = outcomes(after);
        Set<String> subjects = new HashSet<>(was.keySet());
        subjects.addAll(is.keySet());
        List<String> moves = new ArrayList<>();
        for (String subject : subjects) {
            String from = was.getOrDefault(subject, "ABSENT");
            String to = is.getOrDefault(subject, "ABSENT");
            if (!from.equals(to)) {
                moves.add(subject.substring(0, subject.indexOf('\u0000')) + " " + from + "->" + to);
            }
        }
        String overall = before.getOverallOutcome() == after.getOverallOutcome()
                ? null
                : before.getOverallOutcome().getValue() + "->"
                        + after.getOverallOutcome().getValue();
        return new Change(moves, overall);
    }

    private static Map<String, String> outcomes(Assessment verdict) {
        Map<String, String> outcomes = new HashMap<>();
        for (Result r : verdict.getResults()) {
            outcomes.put(
                    r.getRecommendationId() + "\u0000" + r.getSubject(),
                    r.getEffectiveOutcome().getValue());
        }
        return outcomes;
    }
}
