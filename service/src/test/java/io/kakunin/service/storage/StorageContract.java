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
@org.springframework.test.context.TestPropertySource(properties = "kakunin.impact.page-size=2")
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
        // Stored is what the rules decided; titles, messages, remediation, references, evidence types and sources
        // are rendered again by the same revision when the verdict is read.
        JsonNode stored = JSON.readTree((String) row.get("verdict_json"));
        assertThat(stored.findValues("title")).isEmpty();
        assertThat(stored.path("results")).hasSameSizeAs(verdict.path("results"));
        for (int i = 0; i < stored.path("results").size(); i++) {
            ObjectNode decided = ((ObjectNode) verdict.path("results").get(i)).deepCopy();
            decided.remove(List.of("title", "message", "remediation", "references", "evidenceTypes", "sources"));
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

    /**
     * The impact preview reads the store as the listing does, a page at a time (pages of two in
     * tests): every filter and the window select the same records as the listing, each once.
     */
    @Test
    void anImpactPreviewReplaysWhatTheListingFiltersSelect() throws Exception {
        String org = "impact-" + UUID.randomUUID();
        Http submitter = http().as(TestKeys.SUBMITTER_B);
        submitter.postJson("/v1/assessments", assessment(org, "cam-1", true));
        Instant between = Instant.now();
        await("the clock to move past the boundary").until(() -> Instant.now().isAfter(between.plusMillis(1)));
        for (int i = 0; i < 4; i++) {
            submitter.postJson("/v1/assessments", assessment(org, "cam-2", false));
        }
        Http admin = http().as(TestKeys.RULE_ADMIN);
        String active = admin.get("/v1/rulesets/active").json().path("revision").asString();
        Map<String, Integer> expected = Map.of(
                "",
                5,
                "&failedRecommendation=PS-4.2",
                1,
                "&productId=cam-2",
                4,
                "&createdFrom=" + between,
                4,
                "&createdTo=" + between,
                1,
                "&outcome=COMPLIANT",
                0);
        for (Map.Entry<String, Integer> filter : expected.entrySet()) {
            Http.Response started = admin.send(
                    "POST",
                    "/v1/rulesets/impact?revision=" + active + "&organizationId=" + org + filter.getKey(),
                    null,
                    null);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            JsonNode done = await().until(
                            () -> admin.get(started.header("Location")).json(),
                            j -> j.path("state").asString().equals("DONE"));
            assertThat(done.path("progress").path("counted").asInt())
                    .as(filter.getKey())
                    .isEqualTo(filter.getValue());
            assertThat(done.path("progress").path("total").asInt())
                    .as(filter.getKey())
                    .isEqualTo(filter.getValue());
            assertThat(done.path("summary").path("assessmentsEvaluated").asInt())
                    .as(filter.getKey())
                    .isEqualTo(filter.getValue());
            assertThat(done.path("summary").path("assessmentsChanged").asInt()).isZero();
        }

        // A batch's records share their creation time in chunks: the replay (two records a page
        // here) walks them by (created_at, id) and reads each exactly once.
        String batched = "impact-batch-" + UUID.randomUUID();
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            lines.add(assessment(batched, "cam-" + i, i % 2 == 0));
        }
        assertThat(batch(lines, "")).hasSize(7);
        Http.Response started =
                admin.send("POST", "/v1/rulesets/impact?revision=" + active + "&organizationId=" + batched, null, null);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        JsonNode done = await().until(
                        () -> admin.get(started.header("Location")).json(),
                        j -> j.path("state").asString().equals("DONE"));
        assertThat(done.path("progress").path("counted").asInt()).isEqualTo(7);
        assertThat(done.path("summary").path("assessmentsEvaluated").asInt()).isEqualTo(7);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(DISTINCT id) FROM assessment WHERE organization_id = ?", Integer.class, batched))
                .isEqualTo(7);
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

    /** A batch line for organization {@code org}, its products {@code cam-<org>} (failing PS-4.2 when asked), one without id, {@code hub-<org>}. */
    static String batchLine(String org, boolean sharedPassword, String key) {
        return "{" + (key == null ? "" : "\"idempotencyKey\":\"" + key + "\",")
                + "\"organization\":{\"id\":\"" + org + "\",\"name\":\"確認 \\\"Kakunin\\\" \\\\ K.K.\\t\"},"
                + "\"products\":[{\"id\":\"cam-" + org + "\",\"defaultPasswordPolicy\":\""
                + (sharedPassword ? "SHARED" : "UNIQUE_PER_DEVICE") + "\"},{\"name\":\"no id\"},{\"id\":\"hub-" + org
                + "\"}]}";
    }

    List<JsonNode> batch(List<String> lines, String query) {
        Http.Response response = http().as(TestKeys.SUBMITTER_A)
                .send(
                        "POST",
                        "/v1/assessments:batch" + query,
                        "application/x-ndjson",
                        (String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.body().lines().map(JSON::readTree).toList();
    }

    /**
     * A batch is written many rows at once (a COPY on PostgreSQL): each line's record, the rows
     * listings filter on, and its key, exactly as a single request's, across chunks; resent, its
     * keyed lines are answered with the records stored then, and a key with another body is a 409.
     */
    @Test
    void aBatchIsStoredAsSingleRequestsAreAndItsKeyedLinesOnce() {
        String prefix = "bulk-" + UUID.randomUUID().toString().substring(0, 8);
        int n = 150;
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            lines.add(batchLine(prefix + "-" + i, i % 2 == 1, i % 3 == 0 ? prefix + "-key-" + i : null));
        }
        List<JsonNode> results = batch(lines, "");
        assertThat(results).hasSize(n);
        Map<String, Map<String, Object>> rows = new java.util.HashMap<>();
        jdbc.queryForList(
                        "SELECT CAST(id AS VARCHAR) AS id, organization_id, created_at, caller, request_json, verdict_json "
                                + "FROM assessment WHERE organization_id LIKE ?",
                        prefix + "-%")
                .forEach(row -> rows.put((String) row.get("id"), row));
        assertThat(rows).hasSize(n);
        for (int i = 1; i <= n; i++) {
            JsonNode result = results.get(i - 1);
            String org = prefix + "-" + i;
            assertThat(result.path("line").asInt()).isEqualTo(i);
            assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(201);
            assertThat(result.path("organizationId").asString()).isEqualTo(org);
            Map<String, Object> row = rows.get(result.path("id").asString());
            assertThat(row).as("line %d stored under its id", i).isNotNull();
            assertThat(row.get("organization_id")).isEqualTo(org);
            assertThat(row.get("caller")).isEqualTo(callerOf(TestKeys.SUBMITTER_A));
            ObjectNode request = (ObjectNode) JSON.readTree(lines.get(i - 1));
            request.remove("idempotencyKey");
            assertThat(JSON.readTree((String) row.get("request_json"))).isEqualTo(request);
            JsonNode verdict = JSON.readTree((String) row.get("verdict_json"));
            assertThat(verdict.path("id").asString())
                    .isEqualTo(result.path("id").asString());
            assertThat(verdict.findValues("title")).isEmpty();
            assertThat(jdbc.queryForList(
                            "SELECT product_id FROM assessment_product WHERE assessment_id = ? ORDER BY product_index",
                            String.class,
                            UUID.fromString(result.path("id").asString())))
                    .containsExactly("cam-" + org, "hub-" + org);
        }
        assertThat(results.get(0).path("failedRecommendationIds").toString()).contains("PS-4.2");
        assertThat(results.get(1).path("failedRecommendationIds").toString()).doesNotContain("PS-4.2");

        // What listings filter on was written with each record; the time is the verdict's, to the microsecond.
        Http submitter = http().as(TestKeys.SUBMITTER_A);
        String seventh = results.get(6).path("id").asString();
        assertThat(ids(submitter, "/v1/assessments?productId=hub-" + prefix + "-7"))
                .containsExactly(seventh);
        assertThat(ids(submitter, "/v1/assessments?organizationId=" + prefix + "-7&failedRecommendation=PS-4.2"))
                .containsExactly(seventh);
        assertThat(ids(submitter, "/v1/assessments?organizationId=" + prefix + "-8&failedRecommendation=PS-4.2"))
                .isEmpty();
        JsonNode fetched = submitter.get("/v1/assessments/" + seventh).json();
        JsonNode listed = submitter
                .get("/v1/assessments?organizationId=" + prefix + "-7")
                .json()
                .path("items")
                .get(0);
        assertThat(Instant.parse(listed.path("createdAt").asString()))
                .isEqualTo(Instant.parse(fetched.path("createdAt").asString()));
        assertThat(fetched.path("organizationId").asString()).isEqualTo(prefix + "-7");
        assertThat(fetched.path("overallOutcome")).isEqualTo(results.get(6).path("overallOutcome"));

        // The keyed lines, resent in another order with one key reused for another request.
        List<String> keyed = new ArrayList<>();
        for (int i = n - n % 3; i >= 3; i -= 3) {
            keyed.add(lines.get(i - 1));
        }
        keyed.add(batchLine(prefix + "-other", true, prefix + "-key-3"));
        List<JsonNode> resent = batch(keyed, "");
        for (int j = 0; j < keyed.size() - 1; j++) {
            int line = n - n % 3 - 3 * j;
            assertThat(resent.get(j).path("status").asInt()).isEqualTo(201);
            assertThat(resent.get(j).path("replayed").asBoolean())
                    .as(resent.get(j).toString())
                    .isTrue();
            assertThat(resent.get(j).path("id")).isEqualTo(results.get(line - 1).path("id"));
        }
        JsonNode reused = resent.get(keyed.size() - 1);
        assertThat(reused.path("status").asInt()).isEqualTo(409);
        assertThat(reused.path("problem").path("type").asString())
                .isEqualTo("urn:kakunin:problem:idempotency-key-reused");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM assessment WHERE organization_id LIKE ?", Integer.class, prefix + "-%"))
                .isEqualTo(n);
        assertThat(jdbc.queryForList(
                        "SELECT CAST(resource_id AS VARCHAR) FROM idempotency_key WHERE idempotency_key LIKE ?",
                        String.class,
                        prefix + "-key-%"))
                .containsExactlyInAnyOrderElementsOf(resent.subList(0, keyed.size() - 1).stream()
                        .map(r -> r.path("id").asString())
                        .toList());
    }

    @Autowired
    BulkInsert bulk;

    @Autowired
    org.springframework.transaction.support.TransactionTemplate transaction;

    /** How the database takes many rows at once. */
    abstract BulkInsert.Way bulkWay();

    /**
     * Values written many rows at once come back as they were: text with quotes, backslashes,
     * tabs, newlines and characters beyond ASCII, nulls, UUIDs, integers, and times to the
     * microsecond.
     */
    @Test
    void rowsWrittenManyAtOnceComeBackAsTheyWere() {
        String org = "values-" + UUID.randomUUID();
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> products = new ArrayList<>();
        Instant time = Instant.parse("2026-12-03T01:02:03.456789Z");
        for (int i = 0; i < 10; i++) {
            UUID id = UUID.randomUUID();
            rows.add(new Object[] {
                id,
                time.plusSeconds(i),
                "key:caller",
                i == 0 ? null : org,
                "COMPLIANT",
                "sha256:abc",
                "2026.1",
                "ja",
                "{\"name\":\"確認 \\\"K\\\" \\\\ \\t\\n\t\n end " + i + "\"}",
                "{}"
            });
            products.add(new Object[] {id, i, "product-" + i + "-\u00e9\u8a8d"});
        }
        List<String> columns = List.of(
                "id",
                "created_at",
                "caller",
                "organization_id",
                "overall_outcome",
                "ruleset_revision",
                "ruleset_version",
                "locale",
                "request_json",
                "verdict_json");
        List<BulkInsert.Way> ways = new ArrayList<>();
        transaction.executeWithoutResult(status -> {
            ways.add(bulk.insert("assessment", columns, rows));
            ways.add(bulk.insert(
                    "assessment_product", List.of("assessment_id", "product_index", "product_id"), products));
        });
        assertThat(ways).containsOnly(bulkWay());
        for (int i = 0; i < 10; i++) {
            Object[] row = rows.get(i);
            Map<String, Object> stored = jdbc.queryForMap(
                    "SELECT a.organization_id, a.request_json, a.created_at, p.product_index, p.product_id "
                            + "FROM assessment a JOIN assessment_product p ON p.assessment_id = a.id WHERE a.id = ?",
                    row[0]);
            assertThat(stored.get("organization_id")).isEqualTo(row[3]);
            assertThat(stored.get("request_json")).isEqualTo(row[8]);
            assertThat(((Number) stored.get("product_index")).intValue()).isEqualTo(i);
            assertThat(stored.get("product_id")).isEqualTo(products.get(i)[2]);
            assertThat(jdbc.queryForObject(
                                    "SELECT created_at FROM assessment WHERE id = ?",
                                    java.time.OffsetDateTime.class,
                                    row[0])
                            .toInstant())
                    .isEqualTo(row[1]);
        }
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
