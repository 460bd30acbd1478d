package io.kakunin.service.rulesets;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.kb.Ruleset;
import io.kakunin.service.Http;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * POST /v1/rulesets/validate with a rule file that would write a file on the server: refused at
 * its line and column by the ruleset check, before it is compiled or its fixtures run, and
 * nothing is written or activated.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class HostileRuleValidationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String HOSTILE = "product/hostile-file-write.drl";

    @LocalServerPort
    int port;

    @TempDir
    Path temp;

    @Test
    void aRuleThatWouldWriteAFileIsRefusedAtItsLineAndNothingIsWrittenOrActivated() {
        Path canary = temp.resolve("canary");
        String rule = """
                // A rule that writes a file when it fires.
                package io.kakunin.rules.product;

                import io.kakunin.api.model.Product;

                global io.kakunin.kb.Outcomes outcomes;

                rule "Hostile: a then part that writes a file"
                    @recommendation("PS-4.2")
                when
                    $p : Product()
                then
                    java.nio.file.Files.writeString(java.nio.file.Path.of("%s"), "written by a rule");
                    outcomes.pass(drools, $p);
                end
                """.formatted(canary.toAbsolutePath().toString().replace('\\', '/'));
        ObjectNode body = JSON.createObjectNode();
        ArrayNode files = body.putArray("files");
        files.addObject().put("path", HOSTILE).put("content", rule);
        // A fixture the rule fires on: validation runs uploaded fixtures when the rules are usable.
        files.addObject()
                .put("path", "fixtures/product-security/a-product-the-hostile-rule-matches/request.json")
                .put("content", "{\"organization\": {\"id\": \"hostile\"}, \"products\": [{\"name\": \"Camera\"}]}");
        files.addObject()
                .put("path", "fixtures/product-security/a-product-the-hostile-rule-matches/expected.json")
                .put("content", "{}");

        Http http = new Http(port);
        Http.Response response = http.postJson("/v1/rulesets/validate", body.toString());

        assertThat(response.status()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.path("valid").asBoolean()).as(report.toString()).isFalse();
        JsonNode d = report.path("diagnostics").get(0);
        assertThat(d.path("file").asString()).isEqualTo(HOSTILE);
        assertThat(d.path("line").asInt()).isEqualTo(13);
        assertThat(d.path("column").asInt()).isEqualTo(5);
        assertThat(d.path("severity").asString()).isEqualTo("ERROR");
        assertThat(d.path("message").asString()).startsWith("a then part may only report outcomes");
        assertThat(report.path("fixtureCount").asInt()).as("no fixture ran").isZero();
        assertThat(canary).as("nothing of the rule ran").doesNotExist();
        assertThat(http.get("/v1/rulesets/active").json().path("revision").asString())
                .isEqualTo(Ruleset.builtIn().revision());
    }
}
