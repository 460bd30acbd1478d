package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what: every endpoint of the contract called without credentials, and with a key of
 * each role; the answer is 401, 403, or what the endpoint does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlTests {

    private static final String NONE = "none";
    private static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("SUBMITTER", TestKeys.SUBMITTER_A);
        KEYS.put("AUDITOR", TestKeys.AUDITOR);
        KEYS.put("RULE_ADMIN", TestKeys.RULE_ADMIN);
        KEYS.put("ADMIN", TestKeys.ADMIN);
        KEYS.put("RISK_OWNER", TestKeys.RISK_OWNER);
    }

    @LocalServerPort
    int port;

    String assessmentId;
    String reviewId;
    String assessment;
    String review;
    String waiverId;
    String waiver;

    /** One call of the matrix, and the roles that may make it (the others get 403). */
    record Call(String method, String path, String body, String contentType, Set<String> roles) {

        Call(String method, String path, String body, Set<String> roles) {
            this(method, path, body, body == null ? null : "application/json", roles);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @BeforeEach
    void records() throws Exception {
        if (assessmentId != null) {
            return;
        }
        assessment = Files.readString(
                Fixtures.root().resolve("product-security/ps-4.2-shared-default-password-fails/request.json"));
        review = Files.readString(
                Fixtures.root()
                        .resolve(
                                "information-sharing/is-clean-de-identified-indicators-between-specialized-organizations-share-without-consent/request.json"));
        assessmentId = http(TestKeys.SUBMITTER_A)
                .postJson("/v1/assessments", assessment)
                .json()
                .path("id")
                .asString();
        reviewId = http(TestKeys.SUBMITTER_A)
                .postJson("/v1/sharing-reviews", review)
                .json()
                .path("id")
                .asString();
        waiver = "{\"organizationId\":\"acme-iot\",\"productId\":\"cam-100\",\"recommendationId\":\"PS-4.2\","
                + "\"justification\":\"Legacy hardware; replaced in March 2027.\",\"evidence\":\"RA-2026-114\","
                + "\"startsAt\":\"2026-12-01T00:00:00+09:00\",\"expiresOn\":\"2099-03-31\",\"timeZone\":\"Asia/Tokyo\"}";
        waiverId = http(TestKeys.SUBMITTER_A)
                .postJson("/v1/waivers", waiver)
                .json()
                .path("id")
                .asString();
    }

    private Http http(String key) {
        return new Http(port).as(key);
    }

    List<Call> calls() throws Exception {
        records();
        return List.of(
                new Call("POST", "/v1/assessments", assessment, Set.of("SUBMITTER")),
                new Call(
                        "POST",
                        "/v1/assessments:batch",
                        assessment.replaceAll("\\s*\\n\\s*", " ") + "\n",
                        "application/x-ndjson",
                        Set.of("SUBMITTER")),
                new Call("GET", "/v1/assessments", null, Set.of("SUBMITTER", "AUDITOR")),
                new Call("GET", "/v1/assessments/" + assessmentId, null, Set.of("SUBMITTER", "AUDITOR")),
                new Call("GET", "/v1/assessments/" + assessmentId + "/reevaluation", null, Set.of("AUDITOR")),
                new Call("POST", "/v1/sharing-reviews", review, Set.of("SUBMITTER")),
                new Call("GET", "/v1/sharing-reviews", null, Set.of("SUBMITTER", "AUDITOR")),
                new Call("GET", "/v1/sharing-reviews/" + reviewId, null, Set.of("SUBMITTER", "AUDITOR")),
                new Call(
                        "GET",
                        "/v1/recommendations",
                        null,
                        Set.of("SUBMITTER", "AUDITOR", "RULE_ADMIN", "ADMIN", "RISK_OWNER")),
                new Call(
                        "GET",
                        "/v1/recommendations/PS-4.2",
                        null,
                        Set.of("SUBMITTER", "AUDITOR", "RULE_ADMIN", "ADMIN", "RISK_OWNER")),
                new Call(
                        "GET",
                        "/v1/rulesets/active",
                        null,
                        Set.of("SUBMITTER", "AUDITOR", "RULE_ADMIN", "ADMIN", "RISK_OWNER")),
                new Call("GET", "/v1/rulesets", null, Set.of("AUDITOR", "RULE_ADMIN")),
                new Call(
                        "POST",
                        "/v1/rulesets/validate",
                        "{\"files\":[{\"path\":\"product/extra.drl\",\"content\":\"package io.kakunin.rules.product;\"}]}",
                        Set.of("RULE_ADMIN")),
                new Call("POST", "/v1/rulesets/reload", null, Set.of("RULE_ADMIN")),
                new Call("POST", "/v1/waivers", waiver, Set.of("SUBMITTER", "RISK_OWNER")),
                new Call("GET", "/v1/waivers", null, Set.of("SUBMITTER", "AUDITOR", "RISK_OWNER")),
                new Call("GET", "/v1/waivers/" + waiverId, null, Set.of("SUBMITTER", "AUDITOR", "RISK_OWNER")),
                new Call("POST", "/v1/waivers/" + waiverId + "/approval", null, Set.of("RISK_OWNER")),
                new Call(
                        "POST",
                        "/v1/waivers/" + waiverId + "/revocation",
                        "{\"reason\":\"The cameras are gone.\"}",
                        Set.of("RISK_OWNER")),
                new Call(
                        "POST",
                        "/v1/rulesets/impact?organizationId=nobody-in-the-matrix",
                        "{\"files\":[{\"path\":\"product/extra.drl\",\"content\":\"package io.kakunin.rules.product;\"}]}",
                        Set.of("RULE_ADMIN")),
                // No such job: a RULE_ADMIN is answered 404, every other role 403 before the lookup.
                new Call("GET", "/v1/rulesets/impact/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69", null, Set.of("RULE_ADMIN")),
                new Call(
                        "POST",
                        "/v1/rulesets/impact/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69/cancellation",
                        null,
                        Set.of("RULE_ADMIN")),
                new Call("GET", "/v1/api-keys", null, Set.of("ADMIN")),
                new Call("POST", "/v1/api-keys", "{\"name\":\"matrix\",\"roles\":[\"ADMIN\"]}", Set.of("ADMIN")),
                new Call("DELETE", "/v1/api-keys/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69", null, Set.of("ADMIN")));
    }

    Stream<Object[]> matrix() throws Exception {
        List<Object[]> cells = new ArrayList<>();
        for (Call call : calls()) {
            cells.add(new Object[] {call, NONE});
            for (String role : KEYS.keySet()) {
                cells.add(new Object[] {call, role});
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("matrix")
    void everyEndpointForEveryRole(Call call, String role) {
        Http.Response response = http(NONE.equals(role) ? null : KEYS.get(role))
                .send(
                        call.method(),
                        call.path(),
                        call.contentType(),
                        call.body() == null ? null : call.body().getBytes(StandardCharsets.UTF_8));
        if (NONE.equals(role)) {
            assertThat(response.status()).as(response.body()).isEqualTo(401);
            assertThat(response.json().path("type").asString()).isEqualTo("urn:kakunin:problem:unauthorized");
            assertThat(response.header("WWW-Authenticate")).contains("X-API-Key");
        } else if (call.roles().contains(role)) {
            assertThat(response.status()).as(response.body()).isNotIn(401, 403).isLessThan(500);
            if (call.path().endsWith(":batch")) {
                assertThat(response.body())
                        .as("every line stored")
                        .contains("\"status\":201")
                        .doesNotContain("\"problem\"");
            }
        } else {
            assertThat(response.status()).as(response.body()).isEqualTo(403);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("type").asString()).isEqualTo("urn:kakunin:problem:forbidden");
            assertThat(response.json().path("detail").asString()).contains("(their roles: " + role + ")");
            assertThat(response.json().path("detail").asString())
                    .as("names the roles the operation needs")
                    .startsWith(
                            "This operation needs " + (call.roles().size() == 1 ? "the role " : "one of the roles "))
                    .contains(call.roles());
        }
    }

    @Test
    void aSubmitterSeesOnlyWhatItsOwnKeyCreated() {
        Http a = http(TestKeys.SUBMITTER_A);
        Http b = http(TestKeys.SUBMITTER_B);
        String mine =
                b.postJson("/v1/assessments", assessment).json().path("id").asString();

        Http.Response other = b.get("/v1/assessments/" + assessmentId);
        assertThat(other.status()).as("not 403: existence does not leak").isEqualTo(404);
        assertThat(other.body())
                .isEqualTo(b.get("/v1/assessments/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69")
                        .body()
                        .replace("01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69", assessmentId));
        assertThat(b.get("/v1/sharing-reviews/" + reviewId).status()).isEqualTo(404);
        assertThat(b.get("/v1/assessments/" + mine).status()).isEqualTo(200);

        assertThat(ids(b.get("/v1/assessments?limit=200").json()))
                .contains(mine)
                .doesNotContain(assessmentId);
        assertThat(ids(a.get("/v1/assessments?limit=200").json()))
                .contains(assessmentId)
                .doesNotContain(mine);
        assertThat(ids(http(TestKeys.AUDITOR).get("/v1/assessments?limit=200").json()))
                .contains(assessmentId, mine);
        assertThat(http(TestKeys.AUDITOR).get("/v1/assessments/" + mine).status())
                .isEqualTo(200);
        assertThat(http(TestKeys.AUDITOR)
                        .get("/v1/assessments/" + mine)
                        .json()
                        .path("id")
                        .asString())
                .isEqualTo(mine);
    }

    /**
     * The waivers of the matrix's submitter are its own to read, every risk owner's and auditor's to
     * read; another submitter is told they do not exist.
     */
    @Test
    void aSubmitterSeesOnlyTheWaiversItAskedFor() {
        Http b = http(TestKeys.SUBMITTER_B);
        Http.Response other = b.get("/v1/waivers/" + waiverId);
        assertThat(other.status()).as("not 403: existence does not leak").isEqualTo(404);
        assertThat(ids(b.get("/v1/waivers?limit=200").json())).doesNotContain(waiverId);
        assertThat(ids(http(TestKeys.SUBMITTER_A).get("/v1/waivers?limit=200").json()))
                .contains(waiverId);
        for (String reader : List.of(TestKeys.AUDITOR, TestKeys.RISK_OWNER, TestKeys.RISK_OWNER_2)) {
            assertThat(http(reader).get("/v1/waivers/" + waiverId).status()).isEqualTo(200);
            assertThat(ids(http(reader).get("/v1/waivers?limit=200").json())).contains(waiverId);
        }
    }

    /** RISK_OWNER is granted like any role: only by a key that holds it. */
    @Test
    void onlyAKeyHoldingRiskOwnerGrantsIt() {
        Http.Response refused =
                http(TestKeys.ADMIN).postJson("/v1/api-keys", "{\"name\":\"risk\",\"roles\":[\"RISK_OWNER\"]}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("detail").asString())
                .contains("do not hold RISK_OWNER")
                .endsWith("(their roles: ADMIN).");
        Http.Response created =
                http(TestKeys.ALL).postJson("/v1/api-keys", "{\"name\":\"risk owner\",\"roles\":[\"RISK_OWNER\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Http riskOwner = http(created.json().path("key").asString());
        assertThat(riskOwner.get("/v1/waivers/" + waiverId).status()).isEqualTo(200);
        assertThat(riskOwner.get("/v1/assessments").status())
                .as("a risk owner reads waivers, not the records they cover")
                .isEqualTo(403);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(i -> ids.add(i.path("id").asString()));
        return ids;
    }

    @Test
    void aKeyCreatedByAnAdministratorWorksUntilItIsRevoked() {
        Http admin = http(TestKeys.ALL); // an administrator that holds the roles it grants
        Http.Response created =
                admin.postJson("/v1/api-keys", "{\"name\":\"ERP integration\",\"roles\":[\"SUBMITTER\",\"AUDITOR\"]}");
        assertThat(created.status()).isEqualTo(201);
        String key = created.json().path("key").asString();
        String id = created.json().path("apiKey").path("id").asString();
        assertThat(key).startsWith("kak_").hasSizeGreaterThan(40);
        assertThat(created.json().path("apiKey").path("prefix").asString()).isEqualTo(key.substring(0, 12));
        assertThat(created.json().path("apiKey").path("createdBy").asString()).startsWith("key:");
        assertThat(created.header("Location")).endsWith("/v1/api-keys/" + id);

        Http.Response listed = admin.get("/v1/api-keys");
        assertThat(listed.body()).contains(id).doesNotContain(key);

        Http holder = http(key);
        Http.Response made = holder.postJson("/v1/assessments", assessment);
        assertThat(made.status()).isEqualTo(201);
        assertThat(holder.get("/v1/assessments?limit=1")
                        .json()
                        .path("items")
                        .get(0)
                        .path("caller")
                        .asString())
                .isEqualTo("key:" + id);

        assertThat(admin.send("DELETE", "/v1/api-keys/" + id, null, null).status())
                .isEqualTo(204);
        Http.Response refused = holder.get("/v1/assessments");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().path("detail").asString()).contains("not valid, or it was revoked");
        assertThat(admin.send("DELETE", "/v1/api-keys/" + id, null, null, "Accept", "application/json")
                        .status())
                .as("revoking twice is fine, also from a client that accepts JSON as every client does")
                .isEqualTo(204);
        assertThat(admin.get("/v1/api-keys").json().path("items").findValues("revokedAt"))
                .isNotEmpty();
    }

    /**
     * A key grants only roles it holds: an ADMIN-only key cannot mint a key with a role it lacks
     * (which would then reach every record, or the rules), and its refusal names those roles and
     * stores nothing. What it holds, it may grant.
     */
    @Test
    void anAdministratorGrantsOnlyRolesItHolds() {
        Http admin = http(TestKeys.ADMIN);
        int keys = admin.get("/v1/api-keys").json().path("items").size();
        for (String roles : List.of(
                "[\"RULE_ADMIN\"]",
                "[\"ADMIN\",\"RULE_ADMIN\"]",
                "[\"SUBMITTER\",\"AUDITOR\",\"RULE_ADMIN\",\"ADMIN\"]")) {
            Http.Response refused = admin.postJson("/v1/api-keys", "{\"name\":\"escalation\",\"roles\":" + roles + "}");
            assertThat(refused.status()).as(roles + ": " + refused.body()).isEqualTo(403);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().path("type").asString()).isEqualTo("urn:kakunin:problem:forbidden");
            assertThat(refused.json().path("detail").asString())
                    .as(roles)
                    .contains("can grant only roles it holds")
                    .contains("RULE_ADMIN")
                    .endsWith("(their roles: ADMIN).");
            assertThat(refused.body()).doesNotContain("\"key\"");
        }
        assertThat(admin.postJson("/v1/api-keys", "{\"name\":\"escalation\",\"roles\":[\"SUBMITTER\",\"ADMIN\"]}")
                        .json()
                        .path("detail")
                        .asString())
                .contains("do not hold SUBMITTER (")
                .doesNotContain("AUDITOR");
        assertThat(admin.get("/v1/api-keys").json().path("items").size())
                .as("nothing stored")
                .isEqualTo(keys);

        Http.Response created =
                admin.postJson("/v1/api-keys", "{\"name\":\"second administrator\",\"roles\":[\"ADMIN\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Http second = http(created.json().path("key").asString());
        assertThat(second.postJson("/v1/api-keys", "{\"name\":\"escalation\",\"roles\":[\"AUDITOR\"]}")
                        .status())
                .as("nor can the key it made")
                .isEqualTo(403);
        assertThat(http(TestKeys.ALL)
                        .postJson("/v1/api-keys", "{\"name\":\"rules\",\"roles\":[\"RULE_ADMIN\"]}")
                        .status())
                .as("a key with every role grants any")
                .isEqualTo(201);
        assertThat(admin.send(
                                "DELETE",
                                "/v1/api-keys/"
                                        + created.json()
                                                .path("apiKey")
                                                .path("id")
                                                .asString(),
                                null,
                                null)
                        .status())
                .isEqualTo(204);
    }

    @Test
    void badCredentialsAreRefusedWhateverTheEndpoint() {
        Http.Response wrong = http("kak_not_a_key_of_this_service_0000000000").get("/v1/recommendations");
        assertThat(wrong.status()).isEqualTo(401);
        Http.Response huge = http("k".repeat(5000)).get("/v1/recommendations");
        assertThat(huge.status()).isEqualTo(401);
        Http.Response both = http(TestKeys.AUDITOR).get("/v1/recommendations", "Authorization", "Bearer x.y.z");
        assertThat(both.status()).isEqualTo(401);
        assertThat(both.json().path("detail").asString()).contains("not both");
        Http.Response publicContract = http(null).get("/v3/api-docs");
        assertThat(publicContract.status()).isEqualTo(200);
        Http.Response unknownPath = http(null).get("/v1/nothing-here");
        assertThat(unknownPath.status()).isEqualTo(401);
    }

    @Test
    void healthIsPublicButItsDetailsAreNot() {
        JsonNode anonymous = http(null).get("/actuator/health").json();
        assertThat(anonymous.path("status").asString()).isEqualTo("UP");
        assertThat(anonymous.has("components")).isFalse();
        JsonNode ruleAdmin = http(TestKeys.RULE_ADMIN).get("/actuator/health").json();
        assertThat(ruleAdmin
                        .path("components")
                        .path("rules")
                        .path("details")
                        .path("revision")
                        .asString())
                .startsWith("sha256:");
        assertThat(http(TestKeys.SUBMITTER_A).get("/actuator/health").json().has("components"))
                .isFalse();
    }

    /** The health details of the role matrix: RULE_ADMIN, AUDITOR and ADMIN see them; SUBMITTER and anonymous callers see the status only. */
    @ParameterizedTest(name = "health as {0}")
    @MethodSource("roles")
    void healthDetailsForEveryRole(String role) {
        Http.Response response = http(NONE.equals(role) ? null : KEYS.get(role)).get("/actuator/health");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode health = response.json();
        assertThat(health.path("status").asString()).isEqualTo("UP");
        boolean details = Set.of("RULE_ADMIN", "AUDITOR", "ADMIN").contains(role);
        assertThat(health.has("components")).as("details for %s", role).isEqualTo(details);
        if (details) {
            assertThat(health.path("components")
                            .path("rules")
                            .path("details")
                            .path("revision")
                            .asString())
                    .startsWith("sha256:");
        }
    }

    static Stream<String> roles() {
        return Stream.concat(Stream.of(NONE), KEYS.keySet().stream());
    }

    /**
     * A public endpoint needs no credentials, so credentials that do not authenticate are ignored
     * there: an unknown, revoked or oversized key, or a key with a token, leaves the caller
     * anonymous instead of turning a public answer into a 401. The same keys are still refused
     * on every endpoint that needs credentials.
     */
    @Test
    void credentialsThatDoNotAuthenticateAreIgnoredOnPublicEndpoints() {
        for (String key : List.of("kak_not_a_key_of_this_service_0000000000", "k".repeat(5000), "x")) {
            Http caller = http(key);
            Http.Response health = caller.get("/actuator/health");
            assertThat(health.status()).as(health.body()).isEqualTo(200);
            assertThat(health.json().path("status").asString()).isEqualTo("UP");
            assertThat(health.json().has("components"))
                    .as("anonymous: no details")
                    .isFalse();
            assertThat(caller.get("/actuator/health/liveness").status()).isEqualTo(200);
            assertThat(caller.get("/v3/api-docs").status()).isEqualTo(200);
            assertThat(caller.get("/v1/recommendations").status()).isEqualTo(401);
        }
        Http.Response both = http(TestKeys.AUDITOR).get("/actuator/health", "Authorization", "Bearer x.y.z");
        assertThat(both.status()).as(both.body()).isEqualTo(200);
        assertThat(http(TestKeys.AUDITOR)
                        .get("/v1/recommendations", "Authorization", "Bearer x.y.z")
                        .status())
                .isEqualTo(401);

        Http admin = http(TestKeys.ALL);
        Http.Response created = admin.postJson("/v1/api-keys", "{\"name\":\"soon revoked\",\"roles\":[\"AUDITOR\"]}");
        String key = created.json().path("key").asString();
        assertThat(http(key).get("/actuator/health").json().has("components"))
                .as("a valid key still counts")
                .isTrue();
        admin.send(
                "DELETE",
                "/v1/api-keys/" + created.json().path("apiKey").path("id").asString(),
                null,
                null);
        Http.Response revoked = http(key).get("/actuator/health");
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().has("components")).isFalse();
    }
}
