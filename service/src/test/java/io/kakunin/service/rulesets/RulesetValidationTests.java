package io.kakunin.service.rulesets;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** POST /v1/rulesets/validate: rule files checked as the service would check them, nothing activated. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class RulesetValidationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final RulesetFiles BUILT_IN = RulesetFiles.builtIn(RulesetValidationTests.class.getClassLoader());
    private static final String POLICY = "product/policy.drl";

    @LocalServerPort
    int port;

    private Http http() {
        return new Http(port);
    }

    private static String builtIn(String path) {
        return new String(BUILT_IN.files().get(path), StandardCharsets.UTF_8);
    }

    private static int lineOf(String text, String part) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(part)) {
                return i + 1;
            }
        }
        throw new AssertionError(part);
    }

    private static String upload(Map<String, String> files, String base) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("files");
        files.forEach((path, content) -> list.addObject().put("path", path).put("content", content));
        if (base != null) {
            body.put("base", base);
        }
        return body.toString();
    }

    /** Every shipped fixture, as upload entries under fixtures/. */
    private static Map<String, String> shippedFixtures() {
        Map<String, String> files = new LinkedHashMap<>();
        Path root = io.kakunin.fixtures.Fixtures.root();
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                String name = root.relativize(p).toString().replace('\\', '/');
                if (name.endsWith("/request.json")
                        || name.endsWith("/expected.json")
                        || name.endsWith("/" + io.kakunin.kb.fixtures.FixtureCase.WAIVERS)
                        || name.endsWith("/" + io.kakunin.kb.fixtures.FixtureCase.SETTINGS)) {
                    files.put("fixtures/" + name, Files.readString(p));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return files;
    }

    private Http.Response validate(String body) {
        return http().postJson("/v1/rulesets/validate", body);
    }

    @Test
    void aBrokenFileIsReportedAtItsLineAndColumnAndNothingIsActivated() {
        String broken = builtIn(POLICY)
                .replaceFirst(
                        "productSecurityPolicy!\\.exists == false \\)", "productSecurityPolicy!.exists == false ))");
        Http.Response response = validate(upload(Map.of(POLICY, broken), null));
        assertThat(response.status()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.path("valid").asBoolean()).isFalse();
        assertThat(report.path("errorCount").asInt()).isEqualTo(1);
        assertThat(report.has("ruleCount")).isFalse();
        JsonNode d = report.path("diagnostics").get(0);
        assertThat(d.path("file").asString()).isEqualTo(POLICY);
        assertThat(d.path("line").asInt()).isEqualTo(lineOf(broken, "exists == false ))"));
        int column = broken.split("\n")[d.path("line").asInt() - 1].indexOf("))") + 2;
        assertThat(d.path("column").asInt())
                .as("the column of the second ')', parsed out of Drools' message")
                .isEqualTo(column);
        assertThat(d.path("severity").asString()).isEqualTo("ERROR");
        assertThat(report.path("diagnostics")).hasSize(1);
        assertThat(report.toString()).doesNotContainIgnoringCase("null package");
        assertThat(http().get("/v1/rulesets/active").json().path("revision").asString())
                .isEqualTo(Ruleset.builtIn().revision());
        assertThat(http().get("/v1/rulesets").json().path("items")).hasSize(1);
    }

    @Test
    void aGoodEditIsValidWithTheRevisionItWouldHave() {
        String edited = builtIn(POLICY)
                .replace("// PS-1: the product security policy", "// PS-1 (edited): the product security policy");
        // The built-in ruleset is served without fixtures: the edit brings the shipped ones, as the gate asks.
        Map<String, String> files = shippedFixtures();
        files.put(POLICY, edited);
        JsonNode report = validate(upload(files, "ACTIVE")).json();
        assertThat(report.path("valid").asBoolean()).as(report.toString()).isTrue();
        assertThat(report.path("diagnostics")).isEmpty();
        assertThat(report.path("ruleCount").asInt())
                .isEqualTo(Ruleset.builtIn().rules().size());
        assertThat(report.path("recommendationCount").asInt())
                .isEqualTo(Ruleset.builtIn().catalog().entries().size());
        assertThat(report.path("revision").asString())
                .isEqualTo(BUILT_IN.with(POLICY, edited.getBytes(StandardCharsets.UTF_8))
                        .revision())
                .isNotEqualTo(Ruleset.builtIn().revision());
    }

    @Test
    void uploadedFixturesRunAndAFailingOneIsNamed() throws IOException {
        Path fixtures =
                io.kakunin.fixtures.Fixtures.root().resolve("product-security/ps-4.2-shared-default-password-fails");
        String request = Files.readString(fixtures.resolve("request.json"));
        String expected = Files.readString(fixtures.resolve("expected.json"));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("fixtures/product-security/shared-password/request.json", request);
        files.put("fixtures/product-security/shared-password/expected.json", expected);
        JsonNode passing = validate(upload(files, null)).json();
        assertThat(passing.path("fixtureCount").asInt()).isEqualTo(1);
        assertThat(passing.path("failedFixtureCount").asInt()).isZero();
        // One fixture passes, but one fixture asserts few rules: the gate refuses the coverage, not the fixture.
        assertThat(passing.path("valid").asBoolean()).as(passing.toString()).isFalse();
        for (JsonNode d : passing.path("diagnostics")) {
            assertThat(d.path("file").asString()).doesNotStartWith("fixtures/product-security/shared-password");
        }
        assertThat(passing.toString()).contains("rule coverage");

        files.put("fixtures/product-security/shared-password/expected.json", expected.replace("\"FAIL\"", "\"PASS\""));
        JsonNode failing = validate(upload(files, null)).json();
        assertThat(failing.path("valid").asBoolean()).isFalse();
        assertThat(failing.path("failedFixtureCount").asInt()).isEqualTo(1);
        assertThat(failing.path("diagnostics").get(0).path("file").asString())
                .isEqualTo("fixtures/product-security/shared-password/expected.json");
        assertThat(failing.path("diagnostics").get(0).path("message").asString())
                .contains("expected \"PASS\", was \"FAIL\"");

        files.remove("fixtures/product-security/shared-password/expected.json");
        JsonNode lonely = validate(upload(files, null)).json();
        assertThat(lonely.path("valid").asBoolean()).isFalse();
        assertThat(lonely.path("diagnostics").get(0).path("message").asString())
                .contains("has request.json but no expected.json");
    }

    @Test
    void aDecisionTableInBase64IsReportedAtItsCell() throws IOException {
        String table = Files.readString(Path.of(
                        System.getProperty("kakunin.repository", ".."), "docs/decision-tables/device-checks.drl.csv"))
                .replaceAll("(?m)^(\"?)(Whether|Authentication|A device|Input)", "$1Table: $2")
                .replace("secureBoot == false", "secureBooot == false");
        ObjectNode body = JSON.createObjectNode();
        body.putArray("files")
                .addObject()
                .put("path", "product/device-checks.drl.csv")
                .put("encoding", "BASE64")
                .put("content", Base64.getEncoder().encodeToString(table.getBytes(StandardCharsets.UTF_8)));
        JsonNode report = validate(body.toString()).json();
        assertThat(report.path("valid").asBoolean()).isFalse();
        JsonNode d = report.path("diagnostics").get(0);
        assertThat(d.path("file").asString()).isEqualTo("product/device-checks.drl.csv");
        assertThat(d.path("line").asInt()).isEqualTo(lineOf(table, "secureBooot == false"));
        assertThat(d.path("column").asInt()).isEqualTo(3);
        assertThat(d.path("message").asString())
                .startsWith(
                        "sheet 'device-checks.drl.csv', cell C" + d.path("line").asInt() + ": ");
    }

    @Test
    void withBaseNoneTheFilesAreTheWholeRuleset() {
        JsonNode report =
                validate(upload(Map.of(POLICY, builtIn(POLICY)), "NONE")).json();
        assertThat(report.path("valid").asBoolean()).isFalse();
        assertThat(report.path("diagnostics").toString()).contains("catalog.yaml");
    }

    @Test
    void aMultipartFormIsValidatedLikeJson() {
        String broken = builtIn(POLICY)
                .replaceFirst(
                        "productSecurityPolicy!\\.exists == false \\)", "productSecurityPolicy!.exists == false ))");
        Multipart form = new Multipart().file("files", POLICY, broken).field("base", "ACTIVE");
        Http.Response response = http().send("POST", "/v1/rulesets/validate", form.contentType(), form.body());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("diagnostics"))
                .isEqualTo(validate(upload(Map.of(POLICY, broken), null)).json().path("diagnostics"));

        Multipart stray = new Multipart().file("files", POLICY, broken).field("comment", "hi");
        Http.Response refused = http().send("POST", "/v1/rulesets/validate", stray.contentType(), stray.body());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("comment");

        Multipart unnamed = new Multipart().file("files", null, broken);
        Http.Response noName = http().send("POST", "/v1/rulesets/validate", unnamed.contentType(), unnamed.body());
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().path("detail").asString()).contains("needs a file name");

        Multipart badBase = new Multipart().file("files", POLICY, broken).field("base", "EVERYTHING");
        Http.Response wrongBase = http().send("POST", "/v1/rulesets/validate", badBase.contentType(), badBase.body());
        assertThat(wrongBase.status()).isEqualTo(400);
        assertThat(wrongBase.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("base");

        Multipart traversal = new Multipart().file("files", "../../etc/passwd.drl", "x");
        Http.Response escaped = http().send("POST", "/v1/rulesets/validate", traversal.contentType(), traversal.body());
        assertThat(escaped.status()).isEqualTo(400);
        assertThat(escaped.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("/files/0/path");

        Http.Response truncated = http().send(
                        "POST",
                        "/v1/rulesets/validate",
                        form.contentType(),
                        java.util.Arrays.copyOf(form.body(), form.body().length / 2));
        assertThat(truncated.status()).isEqualTo(400);

        Http.Response elsewhere = http().send("POST", "/v1/assessments", form.contentType(), form.body());
        assertThat(elsewhere.status()).isEqualTo(415);

        Http.Response untyped = http().send(
                        "POST",
                        "/v1/rulesets/validate",
                        null,
                        "{\"files\":[{\"path\":\"a.drl\",\"content\":\"x\"}]}".getBytes(StandardCharsets.UTF_8));
        assertThat(untyped.status()).as(untyped.body()).isEqualTo(415);
        assertThat(untyped.json().path("detail").asString())
                .as("says what to send")
                .startsWith("The Content-Type header is missing: send ")
                .contains("application/json")
                .contains("multipart/form-data")
                .doesNotContain("null");
        assertThat(untyped.json().path("errors").get(0).path("pointer").asString())
                .isEqualTo("Content-Type");
    }

    @Test
    void badUploadsAreRefusedNamingTheField() {
        assertField(upload(Map.of("../catalog.yaml", "x"), null), "/files/0/path");
        assertField(upload(Map.of("product/./policy.drl", "x"), null), "/files/0/path");
        assertField(upload(Map.of("/etc/passwd", "x"), null), "/files/0/path");
        assertField(upload(Map.of("notes.txt", "x"), null), "/files/0/path");
        assertField(upload(Map.of("fixtures/product-security/x/notes.md", "x"), null), "/files/0/path");
        assertField(
                "{\"files\":[{\"path\":\"a.drl\",\"content\":\"x\"},{\"path\":\"a.drl\",\"content\":\"y\"}]}",
                "/files/1/path");
        assertField(
                "{\"files\":[{\"path\":\"a.drl\",\"content\":\"***\",\"encoding\":\"BASE64\"}]}", "/files/0/content");
        assertField(
                "{\"files\":[{\"path\":\"a.drl\",\"content\":\"x\",\"encoding\":\"UTF_16\"}]}", "/files/0/encoding");
        assertField("{\"files\":[]}", "/files");
        assertField("{\"files\":[{\"path\":\"a.drl\",\"content\":7}]}", "/files/0/content");
        assertField("{\"files\":[{\"path\":\"a.drl\"}]}", "/files/0/content");
        assertField("{\"files\":[{\"path\":\"a.drl\",\"content\":\"x\"}],\"activate\":true}", "/activate");
        assertField("{\"files\":[{\"path\":\"a.drl\",\"content\":\"x\"}],\"base\":\"ALL\"}", "/base");
    }

    @Test
    void anUploadOverTheRulesetLimitIs413AndAReloadWithoutADirectoryIs409() {
        String huge = "{\"files\":[{\"path\":\"a.drl\",\"content\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}]}";
        Http.Response tooLarge = validate(huge);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().path("type").asString()).isEqualTo("urn:kakunin:problem:payload-too-large");

        Http.Response reload = http().send("POST", "/v1/rulesets/reload", null, null);
        assertThat(reload.status()).isEqualTo(409);
        assertThat(reload.json().path("type").asString()).isEqualTo("urn:kakunin:problem:no-rules-directory");
    }

    private void assertField(String body, String pointer) {
        Http.Response response = validate(body);
        assertThat(response.status())
                .as(body.length() > 200 ? body.substring(0, 200) : body)
                .isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("errors").get(0).path("pointer").asString())
                .as(response.body())
                .isEqualTo(pointer);
    }

    /** A multipart/form-data body built by hand, byte for byte as curl -F sends it. */
    static final class Multipart {
        private final String boundary = "----kakunin" + Long.toHexString(System.nanoTime());
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart file(String name, String filename, String content) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                    + (filename == null ? "" : "; filename=\"" + filename + "\"")
                    + "\r\nContent-Type: application/octet-stream\r\n\r\n"
                    + content + "\r\n");
            return this;
        }

        Multipart field(String name, String value) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                    + "\r\n");
            return this;
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] body() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return copy.toByteArray();
        }

        private void write(String text) {
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
