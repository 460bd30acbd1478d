package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.AssessmentSummary;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.api.model.SharingReviewSummary;
import io.kakunin.client.ApiClient;
import io.kakunin.client.ApiResponse;
import io.kakunin.client.api.AssessmentsApi;
import io.kakunin.client.api.SharingReviewsApi;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.WaiverFiles;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.VerdictMatcher;
import io.kakunin.kb.input.Json;
import io.kakunin.service.waivers.SeededWaivers;
import io.kakunin.service.waivers.WaiverStore;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/** Every shared fixture over HTTP, through the generated Java client an integrator would use. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class FixtureHttpTests {

    @LocalServerPort
    int port;

    @Autowired
    WaiverStore waivers;

    @Autowired
    Clock clock;

    private AssessmentsApi api;
    private SharingReviewsApi sharing;

    @BeforeEach
    void client() {
        ApiClient client = new ApiClient();
        client.setRequestInterceptor(request -> request.header("X-API-Key", TestKeys.ALL));
        client.updateBaseUri("http://localhost:" + port);
        api = new AssessmentsApi(client);
        sharing = new SharingReviewsApi(client);
    }

    static List<FixtureCase> cases() {
        return FixtureCase.load(Fixtures.root());
    }

    @Test
    void theFixtureSetIsNotEmpty() {
        assertThat(cases()).hasSizeGreaterThan(20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theServiceGivesTheExpectedVerdictAndKeepsIt(FixtureCase fixture) throws Exception {
        if (fixture.topic().equals(FixtureCase.INFORMATION_SHARING)) {
            sharingReview(fixture);
            return;
        }
        if (fixture.waivers() != null) {
            // The fixture's waivers, approved in the store, as a risk owner approves them: the
            // service reads them there, the engine from the file; each fixture has an organization of its own.
            WaiverFiles.Read read = WaiverFiles.read(fixture.waivers());
            assertThat(read.problems()).as(fixture.name()).isEmpty();
            SeededWaivers.seed(waivers, read.waivers(), clock.instant());
        }
        AssessmentRequest request = Json.mapper().readValue(fixture.request(), AssessmentRequest.class);
        // A case evaluated as of an instant (fixture.yaml) asks for it explicitly: it is in the past.
        java.time.OffsetDateTime asOf =
                fixture.asOf() == null ? null : fixture.asOf().atOffset(java.time.ZoneOffset.UTC);
        Boolean allowPast = asOf == null ? null : true;
        ApiResponse<Object> created =
                api.createAssessmentWithHttpInfo(request, UUID.randomUUID().toString(), "en", null, asOf, allowPast);
        assertThat(created.getStatusCode()).isEqualTo(201);
        assertThat(created.getHeaders()).doesNotContainKey("preference-applied");
        Assessment verdict = Json.mapper().convertValue(created.getData(), Assessment.class);

        JsonNode expected = Json.mapper().readTree(fixture.expected());
        JsonNode actual = Json.mapper().valueToTree(verdict);
        assertThat(VerdictMatcher.mismatches(expected, actual))
                .as(fixture.name())
                .isEmpty();

        String location = created.getHeaders().get("location").get(0);
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        assertThat(id).isEqualTo(verdict.getId());
        Assessment fetched = api.getAssessment(id, "en");
        JsonNode again = Json.mapper().valueToTree(fetched);
        assertThat(again).isEqualTo(actual);

        if (fixture.expectedJcStar() != null) {
            JsonNode expectedJcStar = Json.mapper().readTree(fixture.expectedJcStar());
            JcStarChecklist checklist = api.getAssessmentJcStarChecklist(id, "en");
            assertThat(checklist.getAssessmentId()).isEqualTo(id);
            assertThat(VerdictMatcher.mismatches(expectedJcStar, Json.mapper().valueToTree(checklist)))
                    .as(fixture.name() + " (" + FixtureCase.EXPECTED_JC_STAR + ")")
                    .isEmpty();
        }

        // Prefer: return=minimal stores the same verdict (its texts are rendered when it is read)
        // and answers the figures of it.
        ApiResponse<Object> minimal = api.createAssessmentWithHttpInfo(
                request, UUID.randomUUID().toString(), "en", "return=minimal", asOf, allowPast);
        assertThat(minimal.getStatusCode()).isEqualTo(201);
        assertThat(minimal.getHeaders().get("preference-applied")).containsExactly("return=minimal");
        AssessmentSummary summary = Json.mapper().convertValue(minimal.getData(), AssessmentSummary.class);
        assertThat(summary.getOverallOutcome()).isEqualTo(verdict.getOverallOutcome());
        assertThat(summary.getCounts()).isEqualTo(verdict.getCounts());
        assertThat(summary.getFailedRecommendationIds())
                .isEqualTo(verdict.getResults().stream()
                        .filter(r -> r.getOutcome() == Outcome.FAIL)
                        .map(Result::getRecommendationId)
                        .distinct()
                        .toList());
        assertThat(summary.getRuleset().getRevision())
                .isEqualTo(verdict.getRuleset().getRevision());
        assertThat(minimal.getHeaders().get("location").get(0)).endsWith("/v1/assessments/" + summary.getId());
        JsonNode storedFromMinimal = Json.mapper().valueToTree(api.getAssessment(summary.getId(), "en"));
        assertThat(withoutIdentity(storedFromMinimal))
                .as("the verdict stored for a minimal answer is the one stored for a full one")
                .isEqualTo(withoutIdentity(again));
    }

    /** A stored verdict without what differs between two stores of the same request. */
    private static JsonNode withoutIdentity(JsonNode verdict) {
        tools.jackson.databind.node.ObjectNode copy = (tools.jackson.databind.node.ObjectNode) verdict.deepCopy();
        copy.remove("id");
        copy.remove("createdAt");
        copy.remove("asOf"); // the time of each store, unless the case gives one (then both have it)
        return copy;
    }

    private void sharingReview(FixtureCase fixture) throws Exception {
        SharingReviewRequest request = Json.mapper().readValue(fixture.request(), SharingReviewRequest.class);
        ApiResponse<Object> answered = sharing.createSharingReviewWithHttpInfo(
                request, UUID.randomUUID().toString(), "en", null);
        assertThat(answered.getStatusCode()).isEqualTo(201);
        ApiResponse<SharingReview> created = new ApiResponse<>(
                answered.getStatusCode(),
                answered.getHeaders(),
                Json.mapper().convertValue(answered.getData(), SharingReview.class));
        JsonNode expected = Json.mapper().readTree(fixture.expected());
        JsonNode actual = Json.mapper().valueToTree(created.getData());
        assertThat(VerdictMatcher.mismatches(expected, actual))
                .as(fixture.name())
                .isEmpty();

        SharingReview fetched = sharing.getSharingReview(created.getData().getId(), "en");
        // This client's key holds every role: as an AUDITOR it is also shown the digest of the original request.
        assertThat(fetched.getRequestDigest()).startsWith("sha256:");
        JsonNode stored = Json.mapper().valueToTree(fetched.requestDigest(null));
        // What is kept is masked where the victim profile matched; without a profile it is the response itself.
        if (request.getVictimProfile() == null) {
            assertThat(stored).isEqualTo(actual);
        } else {
            assertThat(VerdictMatcher.mismatches(expected, stored))
                    .as(fixture.name() + " (stored)")
                    .isEmpty();
        }

        ApiResponse<Object> minimal = sharing.createSharingReviewWithHttpInfo(
                request, UUID.randomUUID().toString(), "en", "return=minimal");
        assertThat(minimal.getStatusCode()).isEqualTo(201);
        assertThat(minimal.getHeaders().get("preference-applied")).containsExactly("return=minimal");
        SharingReviewSummary summary = Json.mapper().convertValue(minimal.getData(), SharingReviewSummary.class);
        SharingReview full = created.getData();
        assertThat(summary.getDecision()).isEqualTo(full.getDecision());
        assertThat(summary.getTlp()).isEqualTo(full.getTlp().getLevel());
        assertThat(summary.getOverallOutcome()).isEqualTo(full.getOverallOutcome());
        assertThat(summary.getCounts()).isEqualTo(full.getCounts());
        assertThat(summary.getRedactionCount())
                .isEqualTo(
                        full.getRedactions() == null ? 0 : full.getRedactions().size());
        assertThat(summary.getOrganizationId()).isEqualTo(request.getSharer().getId());
    }
}
