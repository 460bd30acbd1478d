package io.kakunin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.input.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code kakunin impact}: a folder of assessment requests evaluated by the built-in rules (or
 * {@code --base}) and by changed rules, and what moves printed as the service's preview prints it.
 */
class KakuninImpactCliTests {

    private static final String COMPLIANT = "product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant";
    private static final String SHARED_PASSWORD = "product-security/ps-4.2-shared-default-password-fails";
    private static final String AUTHENTICATION = "product/authentication.drl";

    @TempDir
    static Path work;

    record Run(int exit, String out, String err) {}

    static Run kakunin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Kakunin(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        work)
                .run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** How many results of PS-4.2 pass in one compliant request under the built-in rules. */
    static long ps42Passes;

    @BeforeAll
    static void rulesAndRequests() throws IOException {
        assertThat(kakunin("export", "good").exit()).isZero();
        assertThat(kakunin("export", "ps42-fails").exit()).isZero();
        Path drl = work.resolve("ps42-fails").resolve(AUTHENTICATION);
        String text = Files.readString(drl);
        int rule = text.indexOf("meet PS-4.2\"");
        int pass = text.indexOf("outcomes.pass(drools, $p);", rule);
        assertThat(rule).isPositive();
        assertThat(pass).isGreaterThan(rule);
        Files.writeString(
                drl,
                text.substring(0, pass) + "outcomes.fail(drools, $p, \"/defaultPasswordPolicy\");"
                        + text.substring(pass + "outcomes.pass(drools, $p);".length()));

        Path requests = Files.createDirectories(work.resolve("requests/legacy"));
        Files.copy(Fixtures.root().resolve(COMPLIANT + "/request.json"), requests.resolve("lock-a.json"));
        Files.copy(Fixtures.root().resolve(COMPLIANT + "/request.json"), requests.resolve("lock-b.json"));
        Path fixture = Files.createDirectories(work.resolve("requests/camera"));
        Files.copy(Fixtures.root().resolve(SHARED_PASSWORD + "/request.json"), fixture.resolve("request.json"));
        Files.copy(Fixtures.root().resolve(SHARED_PASSWORD + "/expected.json"), fixture.resolve("expected.json"));

        AssessmentRequest lock =
                Json.mapper().readValue(Files.readAllBytes(requests.resolve("lock-a.json")), AssessmentRequest.class);
        ps42Passes = Ruleset.builtIn().assess(lock, Locale.ENGLISH).getResults().stream()
                .filter(r -> r.getRecommendationId().equals("PS-4.2")
                        && r.getOutcome().getValue().equals("PASS"))
                .count();
        assertThat(ps42Passes).isPositive();
    }

    @Test
    void printsWhichResultsMoveAndWhichRequestsChange() {
        Run run = kakunin("impact", "--rules", "ps42-fails", "--requests", "requests");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("base " + Ruleset.builtIn().revision() + ", changed ")
                .contains("3 assessments evaluated, 2 changed\n")
                .contains("  PS-4.2: PASS -> FAIL: " + (2 * ps42Passes) + "\n")
                .contains("  COMPLIANT -> NON_COMPLIANT: 2\n")
                .contains("requests/legacy/lock-a.json (COMPLIANT -> NON_COMPLIANT)\n")
                .contains("requests/legacy/lock-b.json (COMPLIANT -> NON_COMPLIANT)\n")
                .contains("  PS-4.2 /products/0: PASS -> FAIL\n")
                .doesNotContain("camera");
    }

    @Test
    void printsTheSameSummaryAsJson() {
        Run run = kakunin("impact", "--rules", "ps42-fails", "--requests", "requests", "--format", "json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode summary = JsonMapper.builder().build().readTree(run.out());
        assertThat(summary.path("assessmentsEvaluated").asLong()).isEqualTo(3);
        assertThat(summary.path("assessmentsChanged").asLong()).isEqualTo(2);
        assertThat(summary.path("recommendationMoves").size()).isEqualTo(1);
        JsonNode move = summary.path("recommendationMoves").get(0);
        assertThat(move.path("recommendationId").asString()).isEqualTo("PS-4.2");
        assertThat(move.path("from").asString()).isEqualTo("PASS");
        assertThat(move.path("to").asString()).isEqualTo("FAIL");
        assertThat(move.path("count").asLong()).isEqualTo(2 * ps42Passes);
        List<String> changed = new ArrayList<>();
        summary.path("changedAssessments")
                .forEach(a -> changed.add(a.path("assessmentId").asString()));
        assertThat(changed).containsExactly("requests/legacy/lock-a.json", "requests/legacy/lock-b.json");
    }

    @Test
    void withAWaiverOfTheChangedItemBothRulesetsAreOverlaidAlikeAndTheVerdictsStayCompliant() throws IOException {
        Files.writeString(work.resolve("ps42-waived.yaml"), """
                - id: 01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69
                  organizationId: hoshi-devices
                  recommendationId: PS-4.2
                  justification: The fleet is re-keyed in the March 2099 refresh.
                  evidence: https://risk.example.jp/RA-2026-114
                  startsAt: 2026-01-01T00:00:00Z
                  expiresOn: 2099-03-31
                  timeZone: Asia/Tokyo
                  requestedBy: m.sato
                  approvedBy: k.tanaka
                """);
        Run run = kakunin("impact", "--rules", "ps42-fails", "--requests", "requests", "--waivers", "ps42-waived.yaml");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("  PS-4.2: PASS -> WAIVED: " + (2 * ps42Passes) + "\n")
                .doesNotContain("COMPLIANT -> NON_COMPLIANT");

        Run expired = kakunin(
                "impact",
                "--rules",
                "ps42-fails",
                "--requests",
                "requests",
                "--waivers",
                "ps42-waived.yaml",
                "--as-of",
                "2099-04-01T00:00:00+09:00");
        assertThat(expired.exit()).as(expired.err()).isZero();
        assertThat(expired.out())
                .as("at the instant the waiver expires it stops applying")
                .contains("  PS-4.2: PASS -> FAIL: " + (2 * ps42Passes) + "\n")
                .contains("  COMPLIANT -> NON_COMPLIANT: 2\n");

        Files.writeString(
                work.resolve("self-approved.yaml"),
                Files.readString(work.resolve("ps42-waived.yaml"))
                        .replace("approvedBy: k.tanaka", "approvedBy: m.sato"));
        Run selfApproved =
                kakunin("impact", "--rules", "ps42-fails", "--requests", "requests", "--waivers", "self-approved.yaml");
        assertThat(selfApproved.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(selfApproved.out()).isEmpty();
        assertThat(selfApproved.err())
                .contains("self-approved.yaml: waiver 0 /approvedBy: the requester cannot approve their own waiver")
                .contains("nothing was evaluated");
    }

    @Test
    void theSameRulesAsTheBaseChangeNothingAndThatIsNoError() {
        Run run = kakunin("impact", "--rules", "good", "--base", "good", "--requests", "requests");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 assessments evaluated, 0 changed\n").contains("No result changes outcome.");
    }

    @Test
    void onlyAnErrorExitsNonZero() throws IOException {
        Path broken = Files.createDirectories(work.resolve("broken-requests"));
        Files.writeString(broken.resolve("bad.json"), "{\"organization\": 3}");
        Run bad = kakunin("impact", "--rules", "good", "--requests", "broken-requests");
        assertThat(bad.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(bad.err()).contains("broken-requests/bad.json");

        assertThat(kakunin("impact", "--rules", "good").exit()).isEqualTo(Kakunin.USAGE);
        assertThat(kakunin("impact", "--rules", "nowhere", "--requests", "requests")
                        .exit())
                .isEqualTo(Kakunin.USAGE);
        assertThat(kakunin("impact", "--rules", "good", "--requests", "requests", "--format", "xml")
                        .exit())
                .isEqualTo(Kakunin.USAGE);
    }
}
