package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.client.ApiClient;
import io.kakunin.client.ApiResponse;
import io.kakunin.client.api.AssessmentsApi;
import io.kakunin.client.api.SharingReviewsApi;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.VerdictMatcher;
import io.kakunin.kb.input.Json;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
        AssessmentRequest request = Json.mapper().readValue(fixture.request(), AssessmentRequest.class);
        ApiResponse<Assessment> created =
                api.createAssessmentWithHttpInfo(request, UUID.randomUUID().toString(), "en");
        assertThat(created.getStatusCode()).isEqualTo(201);

        JsonNode expected = Json.mapper().readTree(fixture.expected());
        JsonNode actual = Json.mapper().valueToTree(created.getData());
        assertThat(VerdictMatcher.mismatches(expected, actual))
                .as(fixture.name())
                .isEmpty();

        String location = created.getHeaders().get("location").get(0);
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        assertThat(id).isEqualTo(created.getData().getId());
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
    }

    private void sharingReview(FixtureCase fixture) throws Exception {
        SharingReviewRequest request = Json.mapper().readValue(fixture.request(), SharingReviewRequest.class);
        ApiResponse<SharingReview> created = sharing.createSharingReviewWithHttpInfo(
                request, UUID.randomUUID().toString(), "en");
        assertThat(created.getStatusCode()).isEqualTo(201);
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
    }
}
