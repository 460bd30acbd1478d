package io.kakunin.service.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the store must do, run against every database the service supports (H2 and a real
 * PostgreSQL server): records kept with what an auditor needs, listings that filter and page
 * stably, Idempotency-Key, keys kept as hashes, ruleset history.
 */
abstract class StorageContract {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    Http http() {
        return new Http(port);
    }

    static String fixture(String path) throws Exception {
        return Files.readString(Fixtures.root().resolve(path + "/request.json"));
    }

    /** A product-security request for its own organization, products and with one fact set. */
    static String assessment(String organization, String product, boolean sharedPassword) {
        return "{\"organization\":{\"id\":\"" + organization + "\"},\"products\":[{\"id\":\"" + product
                + "\",\"defaultPasswordPolicy\":\"" + (sharedPassword ? "SHARED" : "UNIQUE_PER_DEVICE")
                + "\"},{\"name\":\"no id\"}]}";
    }

    @Test
    void anAssessmentIsStoredWithWhatAnAuditorNeeds() throws Exception {
        String request = fixture("product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant");
        Http.Response created = http().as(TestKeys.SUBMITTER_A).postJson("/v1/assessments", request);
        assertThat(created.status()).isEqualTo(201);
        JsonNode verdict = created.json();
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT * FROM assessment WHERE id = ?",
                UUID.fromString(verdict.path("id").asString()));
        assertThat(row.get("caller")).isEqualTo(callerOf(TestKeys.SUBMITTER_A));
        assertThat(row.get("ruleset_revision"))
                .isEqualTo(verdict.path("ruleset").path("revision").asString());
        assertThat(row.get("overall_outcome")).isEqualTo("COMPLIANT");
        assertThat(JSON.readTree((String) row.get("request_json"))).isEqualTo(JSON.readTree(request));
        // Stored is what the rules decided; titles, messages, remediation, references and sources
        // are rendered again by the same revision when the verdict is read.
        JsonNode stored = JSON.readTree((String) row.get("verdict_json"));
        assertThat(stored.findValues("title")).isEmpty();
        assertThat(stored.path("results")).hasSameSizeAs(verdict.path("results"));
        for (int i = 0; i < stored.path("results").size(); i++) {
            ObjectNode decided = ((ObjectNode) verdict.path("results").get(i)).deepCopy();
            decided.remove(List.of("title", "message", "remediation", "references", "sources"));
            assertThat(stored.path("results").get(i)).isEqualTo(decided);
        }
        assertThat(stored.path("overallOutcome")).isEqualTo(verdict.path("overallOutcome"));
        assertThat(stored.path("ruleset").path("revision"))
                .isEqualTo(verdict.path("ruleset").path("revision"));
        assertThat(http().as(TestKeys.SUBMITTER_A)
                        .get("/v1/assessments/" + verdict.path("id").asString())
                        .json())
                .isEqualTo(verdict);
        Object createdAt = row.get("created_at");
        assertThat(createdAt).isNotNull();
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM ruleset_revision WHERE revision = ?",
                        Integer.class,
                        verdict.path("ruleset").path("revision").asString()))
                .as("the rules that decided are kept")
                .isEqualTo(1);
    }

    String callerOf(String key) {
        return "key:" + jdbc.queryForObject("SELECT id FROM api_key WHERE key_hash = ?", String.class, sha256(key));
    }

    static String sha256(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void listingsFilterOnEveryCriterion() throws Exception {
        String org = "org-" + UUID.randomUUID();
        Http submitter = http().as(TestKeys.SUBMITTER_B);
        String failing = submitter
                .postJson("/v1/assessments", assessment(org, "cam-1", true))
                .json()
                .path("id")
                .asString();
        Instant between = Instant.now();
        await("the clock to move past the boundary").until(() -> Instant.now().isAfter(between.plusMillis(1)));
        String other = submitter
                .postJson("/v1/assessments", assessment(org, "cam-2", false))
                .json()
                .path("id")
                .asString();
        submitter.postJson("/v1/assessments", assessment("someone-else-" + UUID.randomUUID(), "cam-1", true));

        assertThat(ids(submitter, "/v1/assessments?organizationId=" + org)).containsExactly(other, failing);
        assertThat(ids(submitter, "/v1/assessments?organizationId=" + org + "&productId=cam-1"))
                .containsExactly(failing);
        assertThat(ids(submitter, "/v1/assessments?organizationId=" + org + "&failedRecommendation=PS-4.2"))
                .containsExactly(failing);
        assertThat(ids(submitter, "/v1/assessments?organizationId=" + org + "&outcome=NON_COMPLIANT"))
                .containsExactly(failing);
        assertThat(ids(submitter, "/v1/assessments?organizationId=" + org + "&outcome=COMPLIANT"))
                .isEmpty();
        assertThat(ids(submitter, "/v1/assessments?organizationId=" + org + "&createdFrom=" + between))
                .containsExactly(other);
        assertThat(ids(submitter, "/v1/assessments?organizationId=" + org + "&createdTo=" + between))
                .containsExactly(failing);
        String revision = submitter
                .get("/v1/assessments/" + failing)
                .json()
                .path("ruleset")
                .path("revision")
                .asString();
        assertThat(ids(submitter, "/v1/assessments?organizationId=" + org + "&rulesetRevision=" + revision))
                .containsExactly(other, failing);
        assertThat(ids(
                        submitter,
                        "/v1/assessments?organizationId=" + org + "&rulesetRevision=sha256:" + "0".repeat(64)))
                .isEmpty();

        JsonNode summary = submitter
                .get("/v1/assessments?organizationId=" + org + "&productId=cam-1")
                .json()
                .path("items")
                .get(0);
        assertThat(summary.path("productIds").toString()).isEqualTo("[\"cam-1\"]");
        assertThat(summary.path("failedRecommendationIds").toString()).contains("PS-4.2");
        assertThat(summary.path("organizationId").asString()).isEqualTo(org);
        assertThat(summary.path("caller").asString()).isEqualTo(callerOf(TestKeys.SUBMITTER_B));
        assertThat(summary.path("ruleset").path("revision").asString()).isEqualTo(revision);
    }

    @Test
    void cursorPagingVisitsEveryRecordOnceEvenWhileNewOnesArrive() throws Exception {
        String org = "paging-" + UUID.randomUUID();
        Http submitter = http().as(TestKeys.SUBMITTER_A);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(
                    0,
                    submitter
                            .postJson("/v1/assessments", assessment(org, "p" + i, i % 2 == 0))
                            .json()
                            .path("id")
                            .asString());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = submitter
                    .get("/v1/assessments?limit=3&organizationId=" + org + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            page.path("items").forEach(i -> seen.add(i.path("id").asString()));
            cursor = page.path("nextCursor").isMissingNode()
                    ? null
                    : page.path("nextCursor").asString();
            pages++;
            // A record arriving meanwhile is newer than every page already read: it does not shift the next pages.
            submitter.postJson("/v1/assessments", assessment(org, "late" + pages, true));
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created);
        assertThat(new HashSet<>(seen)).hasSize(7);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyCreatesNothingNew() throws Exception {
        String key = UUID.randomUUID().toString();
        String org = "idem-" + UUID.randomUUID();
        String body = assessment(org, "cam", true);
        Http submitter = http().as(TestKeys.SUBMITTER_A);
        Http.Response first = submitter.postJson("/v1/assessments", body, "Idempotency-Key", key);
        Http.Response again = submitter.postJson(
                "/v1/assessments", body.replace("{", "{ "), "Idempotency-Key", key, "Accept-Language", "ja");
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(again.json().path("id")).isEqualTo(first.json().path("id"));
        assertThat(again.json().path("locale").asString())
                .as("re-localized like a GET")
                .isEqualTo("ja");
        assertThat(count(org)).isEqualTo(1);

        Http.Response different =
                submitter.postJson("/v1/assessments", assessment(org, "cam", false), "Idempotency-Key", key);
        assertThat(different.status()).isEqualTo(409);
        assertThat(different.json().path("type").asString()).isEqualTo("urn:kakunin:problem:idempotency-key-reused");
        assertThat(count(org)).isEqualTo(1);

        Http.Response otherCaller =
                http().as(TestKeys.SUBMITTER_B).postJson("/v1/assessments", body, "Idempotency-Key", key);
        assertThat(otherCaller.status()).as("keys are per caller").isEqualTo(201);
        assertThat(otherCaller.header("Idempotent-Replayed")).isNull();
        assertThat(count(org)).isEqualTo(2);
    }

    @Test
    void concurrentRetriesWithOneKeyCreateOneRecord() throws Exception {
        String key = UUID.randomUUID().toString();
        String org = "race-" + UUID.randomUUID();
        String body = assessment(org, "cam", true);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            statuses.add(pool.submit(() -> {
                Http.Response r =
                        http().as(TestKeys.SUBMITTER_A).postJson("/v1/assessments", body, "Idempotency-Key", key);
                if (r.status() == 201) {
                    ids.add(r.json().path("id").asString());
                }
                return r.status();
            }));
        }
        for (Future<Integer> status : statuses) {
            assertThat(status.get()).isIn(201, 409);
        }
        pool.shutdown();
        assertThat(ids).hasSize(1);
        assertThat(count(org)).isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM idempotency_key WHERE idempotency_key = ?", Integer.class, key))
                .isEqualTo(1);
    }

    int count(String organization) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM assessment WHERE organization_id = ?", Integer.class, organization);
    }

    @Test
    void sharingReviewsListAndRetryAlike() throws Exception {
        String org = "soc-" + UUID.randomUUID();
        ObjectNode request = (ObjectNode) JSON.readTree(fixture(
                "information-sharing/scenario-bundle-whose-sighting-names-the-victim-company-shares-after-redaction"));
        ((ObjectNode) request.path("sharer")).put("id", org);
        String key = UUID.randomUUID().toString();
        Http submitter = http().as(TestKeys.SUBMITTER_A);
        Http.Response first = submitter.postJson("/v1/sharing-reviews", request.toString(), "Idempotency-Key", key);
        Http.Response again = submitter.postJson("/v1/sharing-reviews", request.toString(), "Idempotency-Key", key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().path("id")).isEqualTo(first.json().path("id"));

        JsonNode page =
                submitter.get("/v1/sharing-reviews?organizationId=" + org).json();
        assertThat(page.path("items")).hasSize(1);
        JsonNode summary = page.path("items").get(0);
        assertThat(summary.path("decision").asString())
                .isEqualTo(first.json().path("decision").asString());
        assertThat(summary.path("tlp").asString())
                .isEqualTo(first.json().path("tlp").path("level").asString());
        assertThat(ids(
                        submitter,
                        "/v1/sharing-reviews?organizationId=" + org + "&decision="
                                + summary.path("decision").asString()))
                .containsExactly(first.json().path("id").asString());
        assertThat(ids(submitter, "/v1/sharing-reviews?organizationId=" + org + "&decision=DO_NOT_SHARE"))
                .isEmpty();
        String row = jdbc.queryForObject(
                "SELECT request_json FROM sharing_review WHERE organization_id = ?", String.class, org);
        assertThat(row).doesNotContain("victimProfile");
    }

    @Test
    void keysAreKeptOnlyAsHashesAndRulesetHistoryIsStored() {
        List<Map<String, Object>> keys = jdbc.queryForList("SELECT * FROM api_key");
        assertThat(keys).isNotEmpty();
        for (Map<String, Object> row : keys) {
            assertThat(row.values().toString()).doesNotContain(TestKeys.ALL).doesNotContain(TestKeys.SUBMITTER_A);
        }
        assertThat(keys).anySatisfy(row -> assertThat(row.get("key_hash")).isEqualTo(sha256(TestKeys.ALL)));
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM ruleset_event WHERE outcome = 'ACTIVATED' AND cause = 'STARTUP'",
                        Integer.class))
                .isPositive();
    }

    static List<String> ids(Http http, String path) {
        Http.Response response = http.get(path);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.json().path("items").forEach(i -> ids.add(i.path("id").asString()));
        return ids;
    }
}
