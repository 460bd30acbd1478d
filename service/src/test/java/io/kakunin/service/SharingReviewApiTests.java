package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.input.Json;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sharing reviews over HTTP: the acceptance case, broken bundles, the victim profile kept nowhere
 * (not even in a DEBUG line of any logger: every logger logs at DEBUG here, into a
 * {@link LogCapture}, while the console shows warnings only), and the digest of the original
 * request for auditors.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.root=DEBUG", "logging.threshold.console=WARN"})
@ActiveProfiles("test")
class SharingReviewApiTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ACCEPTANCE =
            "information-sharing/is-7-bundle-with-victim-identity-sighting-internal-address-and-lookalike-shares-after-redaction/request.json";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private Http http() {
        return new Http(port);
    }

    private static ObjectNode fixture(String path) throws Exception {
        return (ObjectNode) JSON.readTree(Files.readString(Fixtures.root().resolve(path)));
    }

    @Test
    void aBundleWithVictimIdentitySightingPrivateAddressAndLookalikeIsSharedAfterOneRedactionPerFinding()
            throws Exception {
        Http.Response created =
                http().postJson("/v1/sharing-reviews", fixture(ACCEPTANCE).toString());
        assertThat(created.status()).isEqualTo(201);
        JsonNode review = created.json();
        assertThat(review.path("decision").asString()).isEqualTo("SHARE_AFTER_REDACTION");
        assertThat(review.path("redactions")).hasSize(4);
        assertThat(review.path("redactions"))
                .extracting(r -> r.path("finding").asString())
                .containsExactlyInAnyOrder("VICTIM_IDENTITY", "VICTIM_SIGHTING", "INTERNAL_IP", "LOOKALIKE_DOMAIN");
        String sanitized = review.path("sanitizedBundle").toString();
        assertThat(sanitized)
                .doesNotContainIgnoringCase("acme")
                .doesNotContain("10.20.30.40")
                .contains("\"identity_class\":\"class\"");
        assertThat(created.header("Location")).contains("/v1/sharing-reviews/");
        Http.Response japanese = http().get(created.header("Location"), "Accept-Language", "ja");
        assertThat(japanese.header("Content-Language")).isEqualTo("ja");
        assertThat(japanese.json().path("recipientsAllowed").asString())
                .isNotEqualTo(review.path("recipientsAllowed").asString());
    }

    @Test
    void theVictimProfileIsInNoStoredRowLogLineOrResponse() throws Exception {
        ObjectNode request = fixture(ACCEPTANCE);
        // Values the bundle does not contain: only the profile could leak them.
        ObjectNode profile = (ObjectNode) request.get("victimProfile");
        profile.putArray("aliases").add("Zephyrwind Holdings");
        profile.putArray("brands").add("QuokkaDrive");
        profile.putArray("ipRanges").add("192.0.2.0/24");
        LogCapture log = LogCapture.start();
        Http.Response created;
        Http.Response fetched;
        try (log) {
            created = http().postJson("/v1/sharing-reviews", request.toString());
            fetched = http().get(created.header("Location"));
        }
        assertThat(created.status()).isEqualTo(201);
        String logged = String.join("\n", log.all()).toLowerCase(Locale.ROOT);
        assertThat(log.all()).as("every logger logged at DEBUG meanwhile").hasSizeGreaterThan(10);
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM sharing_review");
        assertThat(rows).isNotEmpty();
        String stored = rows.toString().toLowerCase(Locale.ROOT);
        for (String value : List.of(
                "Zephyrwind Holdings",
                "QuokkaDrive",
                "192.0.2.",
                "ACME Manufacturing",
                "ACME Mfg",
                "acme-mfg.co.jp",
                "198.51.100.")) {
            String v = value.toLowerCase(Locale.ROOT);
            assertThat(stored).as("stored rows").doesNotContain(v);
            assertThat(fetched.body().toLowerCase(Locale.ROOT))
                    .as("fetched review")
                    .doesNotContain(v);
            assertThat(logged).as("log").doesNotContain(v);
            // Without consent the victim is redacted from what goes out, so not even the
            // submitter's own mentions of it come back.
            assertThat(created.body().toLowerCase(Locale.ROOT)).as("response").doesNotContain(v);
        }
        assertThat(stored).doesNotContain("\"victimprofile\":{");
    }

    /**
     * The stored request is masked, so an auditor proves what was reviewed with the digest of the
     * original: shown to an AUDITOR, computed from the original request as the contract says, and
     * never shown to the SUBMITTER (nor stored in the review).
     */
    @Test
    void anAuditorGetsTheDigestOfTheOriginalRequestAndASubmitterDoesNot() throws Exception {
        String original = Files.readString(Fixtures.root().resolve(ACCEPTANCE));
        Http submitter = http().as(TestKeys.SUBMITTER_A);
        Http.Response created = submitter.postJson("/v1/sharing-reviews", original);
        assertThat(created.status()).isEqualTo(201);
        String location = created.header("Location");
        assertThat(created.json().has("requestDigest")).isFalse();
        assertThat(submitter.get(location).json().has("requestDigest")).isFalse();

        JsonNode audited = http().as(TestKeys.AUDITOR).get(location).json();
        // What an auditor who holds the original computes: the request read into the contract's
        // model, without the victim profile, written again as compact JSON.
        ObjectNode read = Json.mapper().valueToTree(Json.mapper().readValue(original, SharingReviewRequest.class));
        assertThat(read.has("victimProfile"))
                .as("the fixture has a profile to leave out")
                .isTrue();
        read.remove("victimProfile");
        String expected = "sha256:"
                + HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(Json.mapper().writeValueAsBytes(read)));
        assertThat(audited.path("requestDigest").asString()).isEqualTo(expected);
        String id = audited.path("id").asString();
        assertThat(jdbc.queryForObject(
                        "SELECT review_json FROM sharing_review WHERE id = ?", String.class, UUID.fromString(id)))
                .doesNotContain("requestDigest");
    }

    @Test
    void aBrokenBundleIsRefusedNamingTheObjectAndNothingIsStored() throws Exception {
        long before = jdbc.queryForObject("SELECT COUNT(*) FROM sharing_review", Long.class);
        ObjectNode request = fixture(ACCEPTANCE);
        ObjectNode indicator = (ObjectNode) request.path("stix").path("objects").get(1);
        String id = indicator.path("id").asString();

        indicator.put("spec_version", "2.0");
        assertRefused(request, "/stix/objects/1/spec_version", id);

        indicator.put("spec_version", "2.1");
        // A marking the bundle does not carry cannot be honoured: refused (its creator may be named from outside).
        tools.jackson.databind.JsonNode markings = indicator.get("object_marking_refs");
        indicator.putArray("object_marking_refs").add("marking-definition--00000000-0000-4000-8000-000000000000");
        assertRefused(request, "/stix/objects/1/object_marking_refs/0", id);

        if (markings == null) {
            indicator.remove("object_marking_refs");
        } else {
            indicator.set("object_marking_refs", markings);
        }
        ObjectNode stray =
                ((tools.jackson.databind.node.ArrayNode) request.path("stix").path("objects")).addObject();
        stray.put("type", "acme-ticket")
                .put("spec_version", "2.1")
                .put("id", "acme-ticket--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
                .put("created", "2026-11-18T03:00:00.000Z")
                .put("modified", "2026-11-18T03:00:00.000Z");
        assertRefused(request, "/stix/objects/9/type", "acme-ticket");

        Http.Response notJson = http().postJson(
                        "/v1/sharing-reviews",
                        "{\"sharer\":{\"type\":\"SOC_MSSP_OPERATOR\"},\"stix\":{\"type\":\"bundle\",");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM sharing_review", Long.class))
                .isEqualTo(before);
    }

    private void assertRefused(ObjectNode request, String pointer, String named) {
        Http.Response r = http().postJson("/v1/sharing-reviews", request.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errors")).anySatisfy(e -> {
            assertThat(e.path("pointer").asString()).isEqualTo(pointer);
            assertThat(e.path("detail").asString()).contains(named);
        });
    }

    @Test
    void itemsAndABundleTogetherOrNeitherAreRefused() {
        String both = "{\"sharer\":{\"type\":\"SOC_MSSP_OPERATOR\"},\"recipients\":[{\"type\":\"NONPROFIT_CSIRT\"}],"
                + "\"items\":[{\"category\":\"TTP\",\"value\":\"T1566\"}],\"stix\":{\"type\":\"bundle\"}}";
        assertThat(http().postJson("/v1/sharing-reviews", both)
                        .json()
                        .path("errors")
                        .get(0)
                        .path("pointer")
                        .asString())
                .isEqualTo("/stix");
        String neither =
                "{\"sharer\":{\"type\":\"SOC_MSSP_OPERATOR\"},\"recipients\":[{\"type\":\"NONPROFIT_CSIRT\"}]}";
        assertThat(http().postJson("/v1/sharing-reviews", neither)
                        .json()
                        .path("errors")
                        .get(0)
                        .path("pointer")
                        .asString())
                .isEqualTo("/items");
        String badRange =
                "{\"sharer\":{\"type\":\"SOC_MSSP_OPERATOR\"},\"recipients\":[{\"type\":\"NONPROFIT_CSIRT\"}],"
                        + "\"items\":[{\"category\":\"TTP\",\"value\":\"T1566\"}],\"victimProfile\":{\"ipRanges\":[\"secret-host-name\"]}}";
        Http.Response r = http().postJson("/v1/sharing-reviews", badRange);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("errors").get(0).path("pointer").asString()).isEqualTo("/victimProfile/ipRanges/0");
        assertThat(r.body()).doesNotContain("secret-host-name");
    }
}
