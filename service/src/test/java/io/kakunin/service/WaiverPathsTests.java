package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Waiver;
import io.kakunin.cli.Kakunin;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.input.Json;
import io.kakunin.service.waivers.SeededWaivers;
import io.kakunin.service.waivers.WaiverStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Issue 18: one waiver in force and one expired, through every path that evaluates an assessment
 * (a single request and a batch line over HTTP on the real server, the re-evaluation of the stored
 * verdict, the JC-STAR ★1 checklist, the command line with a waivers file): every path shows the
 * same effective outcomes, the same waiver, the same counts and the same overall outcome, because
 * every path calls the one overlay. Kyverno #17473 is the failure this guards against: a path
 * with its own matcher honoured an expired exception.
 *
 * <p>The request is the internet-facing hub of the fixtures (COMPLIANT with SHOULD failures) with a
 * shared default password: PS-4.2 (MUST) fails and makes it NON_COMPLIANT, unless waived; the
 * expired waiver covers PS-4.14 (a SHOULD failure), which must go on failing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class WaiverPathsTests {

    private static final String HUB =
            "product-security/scenario-internet-facing-hub-with-lapsed-upkeep-is-compliant-but-has-should-failures";

    @LocalServerPort
    int port;

    @Autowired
    WaiverStore store;

    @Autowired
    Clock clock;

    @TempDir
    Path dir;

    private record Setup(String organization, String request, Waiver inForce, Waiver expired) {}

    private Setup setup() throws Exception {
        String organization = "waiver-paths-" + UUID.randomUUID();
        ObjectNode request = (ObjectNode) Json.mapper()
                .readTree(Files.readAllBytes(Fixtures.root().resolve(HUB).resolve("request.json")));
        ((ObjectNode) request.get("organization")).put("id", organization);
        ((ObjectNode) request.get("products").get(0)).put("defaultPasswordPolicy", "SHARED");
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Waiver inForce = waiver(organization, "PS-4.2", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)))
                .productId("hh-3")
                .justification("The HH-3 factory line cannot set per-device passwords until its retooling.");
        Waiver expired = waiver(
                        organization, "PS-4.14", now.minus(Duration.ofDays(30)), now.minus(Duration.ofMinutes(1)))
                .justification("The SBOM tooling was being replaced.");
        SeededWaivers.seed(store, List.of(inForce, expired), now);
        return new Setup(organization, Json.mapper().writeValueAsString(request), inForce, expired);
    }

    private static Waiver waiver(String organization, String recommendation, Instant starts, Instant expires) {
        return new Waiver()
                .id(UUID.randomUUID())
                .organizationId(organization)
                .recommendationId(recommendation)
                .evidence("https://risk.example.jp/hoshi/RA-" + recommendation)
                .startsAt(starts.atOffset(ZoneOffset.UTC))
                .expiresAt(expires.atOffset(ZoneOffset.UTC))
                .requestedAt(starts.atOffset(ZoneOffset.UTC))
                .requestedBy("product-security@hoshi.example.jp")
                .approvedBy("risk-owner@hoshi.example.jp")
                .approvedAt(starts.atOffset(ZoneOffset.UTC));
    }

    @Test
    void theSameWaiversGiveTheSameVerdictOnEveryPath() throws Exception {
        Setup s = setup();
        Http http = new Http(port).as(TestKeys.ALL);

        // The single request.
        Http.Response created = http.postJson("/v1/assessments", s.request());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode single = created.json();
        String id = single.path("id").asString();

        // The overlay as the single request shows it: the waiver in force waives PS-4.2, the
        // expired one waives nothing, and the overall outcome is decided on effective outcomes.
        JsonNode ps42 = result(single, "PS-4.2");
        assertThat(ps42.path("outcome").asString()).isEqualTo("FAIL");
        assertThat(ps42.path("effectiveOutcome").asString()).isEqualTo("WAIVED");
        assertThat(ps42.path("waiver").path("id").asString())
                .isEqualTo(s.inForce().getId().toString());
        JsonNode ps414 = result(single, "PS-4.14");
        assertThat(ps414.path("outcome").asString()).isEqualTo("FAIL");
        assertThat(ps414.path("effectiveOutcome").asString()).isEqualTo("FAIL");
        assertThat(ps414.has("waiver"))
                .as("the expired waiver applies to nothing")
                .isFalse();
        assertThat(single.path("overallOutcome").asString()).isEqualTo("COMPLIANT");
        assertThat(single.path("counts").path("waived").asInt()).isEqualTo(1);

        // A batch line, with its whole verdict.
        Http.Response batch = http.send(
                "POST",
                "/v1/assessments:batch?detail=FULL",
                "application/x-ndjson",
                (s.request() + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        JsonNode line = Json.mapper().readTree(batch.body().strip());
        assertThat(line.path("status").asInt()).as(line.toString()).isEqualTo(201);
        assertThat(line.path("overallOutcome")).isEqualTo(single.path("overallOutcome"));
        assertThat(line.path("counts")).isEqualTo(single.path("counts"));
        assertThat(line.path("failedRecommendationIds").toString())
                .as("the underlying failures stay listed, waived or not")
                .contains("PS-4.2", "PS-4.14");
        assertThat(overlay(line.path("verdict"))).isEqualTo(overlay(single));

        // The stored verdict, fetched, and its listing row: the effective overall outcome is stored.
        JsonNode fetched = http.get("/v1/assessments/" + id).json();
        assertThat(overlay(fetched)).isEqualTo(overlay(single));
        JsonNode listed = http.get("/v1/assessments?organizationId=" + s.organization() + "&outcome=COMPLIANT")
                .json();
        assertThat(listed.path("items").findValuesAsString("id")).contains(id);
        JsonNode byFailure = http.get(
                        "/v1/assessments?organizationId=" + s.organization() + "&failedRecommendation=PS-4.2")
                .json();
        assertThat(byFailure.path("items").findValuesAsString("id"))
                .as("a waived failure stays findable")
                .contains(id);

        // The re-evaluation of the stored verdict, as of its own time.
        JsonNode again = http.get("/v1/assessments/" + id + "/reevaluation").json();
        assertThat(again.path("identical").asBoolean())
                .as(again.path("differences").toString())
                .isTrue();
        assertThat(overlay(again.path("verdict"))).isEqualTo(overlay(single));

        // The JC-STAR ★1 checklist of the stored verdict: the waived failure is shown, not met.
        JsonNode checklist = http.get("/v1/assessments/" + id + "/jc-star").json();
        JsonNode row = row(checklist, "S1.1-02");
        assertThat(row.path("readiness").asString()).isEqualTo("NOT_READY");
        JsonNode decided = row.path("decidedBy").get(0);
        assertThat(decided.path("recommendationId").asString()).isEqualTo("PS-4.2");
        assertThat(decided.path("effectiveOutcome").asString()).isEqualTo("WAIVED");
        assertThat(decided.path("waiver")).isEqualTo(ps42.path("waiver"));

        // The command line, with the same waivers in a file.
        Files.writeString(dir.resolve("request.json"), s.request());
        ArrayNode file = Json.mapper().createArrayNode();
        file.add((JsonNode) Json.mapper().valueToTree(s.inForce()));
        file.add((JsonNode) Json.mapper().valueToTree(s.expired()));
        Files.writeString(dir.resolve("waivers.yaml"), new YAMLMapper().writeValueAsString(file));
        JsonNode cli = Json.mapper().readTree(kakunin("evaluate", "--waivers", "waivers.yaml", "request.json"));
        assertThat(overlay(cli)).isEqualTo(overlay(single));
        JsonNode cliChecklist =
                Json.mapper().readTree(kakunin("evaluate", "--jc-star", "--waivers", "waivers.yaml", "request.json"));
        assertThat(row(cliChecklist, "S1.1-02").path("decidedBy")).isEqualTo(row.path("decidedBy"));
    }

    @Test
    void aWaiverRevokedAfterAVerdictLeavesItsReevaluationIdenticalAndStopsApplyingToNewOnes() throws Exception {
        Setup s = setup();
        Http http = new Http(port).as(TestKeys.ALL);
        JsonNode before = http.postJson("/v1/assessments", s.request()).json();
        assertThat(result(before, "PS-4.2").path("effectiveOutcome").asString()).isEqualTo("WAIVED");

        SeededWaivers.revoke(store, s.inForce().getId(), "risk-owner-2@hoshi.example.jp", clock.instant());

        JsonNode again = http.get("/v1/assessments/" + before.path("id").asString() + "/reevaluation")
                .json();
        assertThat(again.path("identical").asBoolean())
                .as("the waivers as they stood at the verdict's time: " + again.path("differences"))
                .isTrue();
        assertThat(result(again.path("verdict"), "PS-4.2")
                        .path("effectiveOutcome")
                        .asString())
                .isEqualTo("WAIVED");

        JsonNode after = http.postJson("/v1/assessments", s.request()).json();
        assertThat(result(after, "PS-4.2").path("effectiveOutcome").asString()).isEqualTo("FAIL");
        assertThat(after.path("overallOutcome").asString()).isEqualTo("NON_COMPLIANT");
        JsonNode line = Json.mapper()
                .readTree(http.send(
                                "POST",
                                "/v1/assessments:batch",
                                "application/x-ndjson",
                                s.request().getBytes(StandardCharsets.UTF_8))
                        .body()
                        .strip());
        assertThat(line.path("overallOutcome").asString()).isEqualTo("NON_COMPLIANT");
        assertThat(line.path("counts").path("waived").asInt()).isZero();
    }

    /** What the overlay decides of a verdict: each result's outcomes and waiver, the counts, the overall outcome. */
    private static JsonNode overlay(JsonNode verdict) {
        ObjectNode decided = Json.mapper().createObjectNode();
        decided.set("overallOutcome", verdict.path("overallOutcome"));
        decided.set("counts", verdict.path("counts"));
        List<JsonNode> results = new ArrayList<>();
        for (JsonNode r : verdict.path("results")) {
            ObjectNode one = Json.mapper().createObjectNode();
            for (String field : List.of("recommendationId", "subject", "outcome", "effectiveOutcome", "waiver")) {
                if (r.has(field)) {
                    one.set(field, r.get(field));
                }
            }
            results.add(one);
        }
        decided.set("results", Json.mapper().valueToTree(results));
        ArrayNode measures = Json.mapper().createArrayNode();
        for (JsonNode m : verdict.path("measures")) {
            measures.add(Json.mapper()
                    .createObjectNode()
                    .put("measure", m.path("measure").asString())
                    .set("counts", m.path("counts")));
        }
        decided.set("measures", measures);
        assertThat(results).as("a verdict with results").isNotEmpty();
        return decided;
    }

    private static JsonNode result(JsonNode verdict, String recommendationId) {
        for (JsonNode r : verdict.path("results")) {
            if (r.path("recommendationId").asString().equals(recommendationId)) {
                return r;
            }
        }
        throw new AssertionError("no result of " + recommendationId + " in " + verdict);
    }

    private static JsonNode row(JsonNode checklist, String requirementId) {
        for (JsonNode r : checklist.path("products").get(0).path("rows")) {
            if (r.path("requirementId").asString().equals(requirementId)) {
                return r;
            }
        }
        throw new AssertionError("no row " + requirementId + " in " + checklist);
    }

    private String kakunin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Kakunin(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        dir)
                .run(args);
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
