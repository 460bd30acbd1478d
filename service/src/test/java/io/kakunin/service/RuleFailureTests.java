package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A rule that throws at run time, in an officer's ruleset that passed validation because no
 * fixture reached it: a fault of the ruleset, answered 500 {@code evaluation-failed} naming the
 * rule and the revision, with one ERROR line in the log that holds nothing of the request, and
 * nothing stored. In a batch, that line alone is answered 500 and the batch goes on. The log is
 * read from a {@link LogCapture}: the build prints no error it expects.
 */
class RuleFailureTests {

    /** Throws in its condition for the name "ab" (an organization without a policy: a path through null). */
    static final String IN_CONDITION =
            "A short name is checked for PS-6.1 (officer's rule that throws in its condition)";
    /** Throws in its action for the ids "ab" and "b2" (a getter of a policy that is absent). */
    static final String IN_ACTION = "A short id is checked for PS-6.1 (officer's rule that throws in its action)";
    /** In the request, to show the log holds none of it. */
    static final String MARKER = "secret-product-7731";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path work;

    static RulesDirectory rules;
    static ConfigurableApplicationContext service;
    static Http http;
    static String revision;

    @BeforeAll
    static void start() {
        rules = RulesDirectory.export(work.resolve("rules"), name -> name.contains("/scenario-"));
        rules.write("product/officer.drl", """
                package io.kakunin.rules.product;

                import io.kakunin.api.model.Organization;

                global io.kakunin.kb.Outcomes outcomes;

                rule "%s"
                    @recommendation("PS-6.1") @reason("noDomestic")
                when
                    $o : Organization( name == "ab", productSecurityPolicy.publicUrl == "never" )
                then
                    outcomes.fail(drools, $o, "/vulnerabilitySources");
                end

                rule "%s"
                    @recommendation("PS-6.1") @reason("noDomestic")
                when
                    $o : Organization( id in ("ab", "b2") )
                then
                    outcomes.fail(drools, $o, $o.getProductSecurityPolicy().getPublicUrl());
                end
                """.formatted(IN_CONDITION, IN_ACTION));
        service = rules.start("kakunin.rules.watch=false");
        http = new Http(RulesDirectory.port(service));
        revision = new Http(RulesDirectory.port(service))
                .get("/v1/rulesets/active")
                .json()
                .path("revision")
                .asString();
        assertThat(revision).isEqualTo(rules.revision());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static String request(String id, String name) {
        return "{\"organization\":{\"id\":\"" + id + "\",\"name\":\"" + name + "\"},\"products\":[{\"id\":\"" + MARKER
                + "\"}]}";
    }

    private static int stored(String organization) {
        return http.get("/v1/assessments?limit=200&organizationId=" + organization)
                .json()
                .path("items")
                .size();
    }

    @Test
    void aRuleThatThrowsIsAServerFaultNamingTheRuleAndRevisionAndNothingIsStored() {
        for (String[] c :
                new String[][] {{"short-name", "ab", IN_CONDITION}, {"ab", "A long enough name", IN_ACTION}}) {
            LogCapture log = LogCapture.start();
            Http.Response response;
            try (log) {
                response = http.postJson("/v1/assessments", request(c[0], c[1]), "Idempotency-Key", "failing-" + c[0]);
            }

            assertThat(response.status()).as(response.body()).isEqualTo(500);
            assertThat(response.contentType()).startsWith("application/problem+json");
            JsonNode problem = response.json();
            assertThat(problem.path("type").asString()).isEqualTo("urn:kakunin:problem:evaluation-failed");
            assertThat(problem.path("status").asInt()).isEqualTo(500);
            assertThat(problem.path("rule").asString()).isEqualTo(c[2]);
            assertThat(problem.path("revision").asString()).isEqualTo(revision);
            assertThat(problem.path("detail").asString())
                    .contains("Rule '" + c[2] + "'")
                    .contains(revision)
                    .contains("PS-6.1")
                    .contains("product/officer.drl")
                    .contains("nothing was stored");
            assertThat(stored(c[0])).isZero();

            List<String> errors = log.atLeast(Level.ERROR);
            assertThat(errors).as("one ERROR line: %s", log.all()).hasSize(1);
            assertThat(errors.get(0))
                    .contains(c[2])
                    .contains(revision)
                    .contains("NullPointerException")
                    .doesNotContain(MARKER)
                    .doesNotContain("A long enough name");
            assertThat(log.anyStackTrace()).as("no stack trace: %s", log.all()).isFalse();
            assertThat(String.join("\n", log.all())).as("no request").doesNotContain(MARKER);

            Http.Response retried;
            try (LogCapture again = LogCapture.start()) {
                retried = http.postJson("/v1/assessments", request(c[0], c[1]), "Idempotency-Key", "failing-" + c[0]);
                assertThat(again.atLeast(Level.ERROR)).hasSize(1);
            }
            assertThat(retried.status())
                    .as("the key was not used up: no replay, no conflict")
                    .isEqualTo(500);
        }
        Http.Response fine = http.postJson("/v1/assessments", request("long-enough", "A long enough name"));
        assertThat(fine.status()).as(fine.body()).isEqualTo(201);
    }

    @Test
    void inABatchTheLineIsAnswered500AndTheBatchGoesOn() {
        String org = "batch-ok";
        String body = String.join(
                        "\n",
                        request(org, "Good line one"),
                        request("b1", "ab"),
                        request(org, "Good line three"),
                        request("b2", "A long enough name"),
                        request(org, "Good line five"))
                + "\n";
        int before = stored(org);
        Http.Response response;
        LogCapture log = LogCapture.start();
        try (log) {
            response = http.send(
                    "POST", "/v1/assessments:batch", "application/x-ndjson", body.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(log.atLeast(Level.ERROR))
                .as("one ERROR line per failed line")
                .hasSize(2)
                .allSatisfy(line -> assertThat(line).contains("line ").doesNotContain(MARKER));
        List<JsonNode> lines = new ArrayList<>();
        response.body().lines().forEach(l -> lines.add(JSON.readTree(l)));
        assertThat(lines).extracting(l -> l.path("status").asInt()).containsExactly(201, 500, 201, 500, 201);
        assertThat(lines.get(1).path("problem").path("type").asString())
                .isEqualTo("urn:kakunin:problem:evaluation-failed");
        assertThat(lines.get(1).path("problem").path("detail").asString())
                .contains(IN_CONDITION)
                .contains(revision);
        assertThat(lines.get(1).path("problem").path("rule").asString()).isEqualTo(IN_CONDITION);
        assertThat(lines.get(1).path("problem").path("revision").asString()).isEqualTo(revision);
        assertThat(lines.get(3).path("problem").path("detail").asString()).contains(IN_ACTION);
        assertThat(stored(org) - before).isEqualTo(3);
        assertThat(stored("b1") + stored("b2")).isZero();
    }
}
