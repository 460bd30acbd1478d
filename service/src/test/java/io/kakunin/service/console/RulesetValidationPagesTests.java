package io.kakunin.service.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlFileInput;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlTextInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rule administrator's validation and impact pages as a browser without scripts sees them:
 * an upload with a syntax error shown at its file and line beside the uploaded text, the API's
 * field messages for a path outside the ruleset, a changed rule compiled with its fixture run, its
 * impact preview over a stored assessment (the progress fragment loaded as htmx would), in
 * English and Japanese; and the refusal of every other role.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class RulesetValidationPagesTests extends ConsolePageTest {

    private static final String AUTHENTICATION = "product/authentication.drl";
    private static final String COMPLIANT = "product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant";
    private static final String SHARED_PASSWORD = "product-security/ps-4.2-shared-default-password-fails";

    @TempDir
    Path temp;

    static String builtIn(String path) {
        return new String(
                RulesetFiles.builtIn(RulesetValidationPagesTests.class.getClassLoader())
                        .files()
                        .get(path),
                StandardCharsets.UTF_8);
    }

    /** Fills the upload form's rows (path, content) and submits it. */
    HtmlPage upload(HtmlPage form, String... pathsAndContents) throws Exception {
        HtmlForm upload = form.getForms().stream()
                .filter(f -> f.getActionAttribute().endsWith("/console/rulesets/validate"))
                .findFirst()
                .orElseThrow();
        assertThat(upload.getEnctypeAttribute()).isEqualTo("multipart/form-data");
        for (int i = 0; form.getElementById("path-" + i) != null; i++) {
            HtmlTextInput path = form.getHtmlElementById("path-" + i);
            if (2 * i < pathsAndContents.length) {
                path.setValue(pathsAndContents[2 * i]);
                File file =
                        temp.resolve("upload-" + i + "-" + System.nanoTime()).toFile();
                Files.writeString(file.toPath(), pathsAndContents[2 * i + 1]);
                form.<HtmlFileInput>getHtmlElementById("file-" + i).setFiles(file);
            } else {
                path.setValue("");
            }
        }
        return upload.getOneHtmlElementByAttribute("button", "type", "submit").click();
    }

    @Test
    void aSyntaxErrorIsShownAtItsFileAndLineBesideTheUploadedText() throws Exception {
        String drl = builtIn(AUTHENTICATION);
        String original = "$p : Product( networkServices == null )";
        String broken = "$p : Product( networkServices == )";
        int at = drl.indexOf(original);
        assertThat(at).isPositive();
        int line = (int) drl.substring(0, at).chars().filter(c -> c == '\n').count() + 1;

        signIn(TestKeys.RULE_ADMIN);
        HtmlPage form = open("/console/rulesets/validate");
        assertThat(form.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(form.<DomElement>getFirstByXPath("//h1").getTextContent()).isEqualTo("Validate changed rule files");
        HtmlPage report = upload(form, AUTHENTICATION, drl.replace(original, broken));

        assertThat(report.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(report.getHtmlElementById("verdict").getTextContent()).contains("is not valid");
        assertThat(report.getHtmlElementById("compiled").getTextContent()).contains("does not compile");
        DomElement diagnostic = report.getHtmlElementById("diagnostic-0");
        assertThat(diagnostic.getFirstElementChild().asNormalizedText())
                .contains(AUTHENTICATION)
                .contains("line " + line);
        DomElement marked = diagnostic.getFirstByXPath(".//tr[contains(@class,'marked')]");
        assertThat(marked).as("the line is shown, marked").isNotNull();
        assertThat(marked.asNormalizedText()).contains(String.valueOf(line)).contains(broken);
        assertThat(diagnostic.<DomElement>getByXPath(".//tbody/tr")).hasSizeGreaterThan(1);
        assertThat(report.getElementById("impact"))
                .as("no impact offer for what does not compile")
                .isNull();
    }

    @Test
    void aPathOutsideTheRulesetGetsTheApisFieldMessageOnTheForm() throws Exception {
        signIn(TestKeys.RULE_ADMIN);
        HtmlPage form = open("/console/rulesets/validate?lang=ja");
        assertThat(form.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        assertThat(form.<DomElement>getFirstByXPath("//h1").getTextContent()).isEqualTo("変更したルールファイルの検証");

        HtmlPage refused = upload(form, "product/../secrets.drl", "rule", "notes.txt", "hello");
        assertThat(refused.<DomElement>getFirstByXPath("//h1").getTextContent()).isEqualTo("変更したルールファイルの検証");
        assertThat(refused.getHtmlElementById("path-error-0").getTextContent())
                .isEqualTo("a path in the ruleset cannot contain '.' or '..' segments");
        assertThat(refused.<HtmlTextInput>getHtmlElementById("path-0").getValue())
                .isEqualTo("product/../secrets.drl");
        assertThat(refused.<HtmlTextInput>getHtmlElementById("path-0").getAttribute("aria-invalid"))
                .isEqualTo("true");

        HtmlPage empty = upload(refused);
        assertThat(empty.getHtmlElementById("problems").asNormalizedText()).contains("give at least one file");

        HtmlPage second = upload(empty, "notes.txt", "hello");
        assertThat(second.getHtmlElementById("path-error-0").getTextContent())
                .startsWith("'notes.txt' is not a ruleset file");
        assertThat(second.getElementById("path-error-1")).isNull();
    }

    @Test
    void aChangedRuleCompilesListsItsFixturesAndItsImpactPreviewShowsTheMove() throws Exception {
        ObjectNode request = (ObjectNode) JsonMapper.builder()
                .build()
                .readTree(Files.readString(Fixtures.root().resolve(COMPLIANT + "/request.json")));
        Http.Response created = new Http(port).as(TestKeys.SUBMITTER_A).postJson("/v1/assessments", request.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode stored = created.json();
        assertThat(stored.path("overallOutcome").asString()).isEqualTo("COMPLIANT");
        String storedId = stored.path("id").asString();

        String drl = builtIn(AUTHENTICATION);
        int rule = drl.indexOf("meet PS-4.2\"");
        int pass = drl.indexOf("outcomes.pass(drools, $p);", rule);
        assertThat(rule).isPositive();
        assertThat(pass).isGreaterThan(rule);
        String edited = drl.substring(0, pass)
                + "outcomes.fail(drools, $p, \"/defaultPasswordPolicy\");"
                + drl.substring(pass + "outcomes.pass(drools, $p);".length());

        signIn(TestKeys.RULE_ADMIN);
        // The built-in ruleset has no fixtures of its own: two are uploaded with the rule, one that
        // expects PS-4.2 to pass (it fails now) and one that expects it to fail.
        Path compliant = Fixtures.root().resolve(COMPLIANT);
        Path shared = Fixtures.root().resolve(SHARED_PASSWORD);
        HtmlPage report = upload(
                open("/console/rulesets/validate?lang=en"),
                AUTHENTICATION,
                edited,
                "fixtures/" + COMPLIANT + "/request.json",
                Files.readString(compliant.resolve("request.json")),
                "fixtures/" + COMPLIANT + "/expected.json",
                Files.readString(compliant.resolve("expected.json")),
                "fixtures/" + SHARED_PASSWORD + "/request.json",
                Files.readString(shared.resolve("request.json")),
                "fixtures/" + SHARED_PASSWORD + "/expected.json",
                Files.readString(shared.resolve("expected.json")));
        assertThat(report.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(report.getHtmlElementById("compiled").getTextContent()).startsWith("Yes:");
        DomElement fixtures = report.getHtmlElementById("fixtures");
        List<DomElement> rows = fixtures.getByXPath(".//tbody/tr");
        assertThat(rows).hasSize(2);
        assertThat(rows)
                .as("a fixture that expects PS-4.2 to pass fails now")
                .anyMatch(r -> r.asNormalizedText().contains(COMPLIANT)
                        && r.asNormalizedText().contains("Failed"));
        assertThat(rows)
                .anyMatch(r -> r.asNormalizedText().contains(SHARED_PASSWORD)
                        && r.asNormalizedText().contains("Passed"));
        assertThat(report.getHtmlElementById("fixture-summary").getTextContent())
                .isEqualTo("2 fixtures run, 1 failed.");
        assertThat(report.getHtmlElementById("coverage").getTextContent()).contains("%");

        HtmlForm start = report.getForms().stream()
                .filter(f -> f.getActionAttribute().endsWith("/console/rulesets/impact"))
                .findFirst()
                .orElseThrow();
        HtmlPage started =
                start.getOneHtmlElementByAttribute("button", "type", "submit").click();
        String path = started.getUrl().getPath();
        assertThat(path).matches("/console/rulesets/impact/[0-9a-f-]{36}");
        assertThat(started.<DomElement>getFirstByXPath("//h1").getTextContent()).isEqualTo("Impact preview");

        // What htmx would fetch every two seconds, until the job has finished.
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    HtmlPage fragment = open(path + "/progress");
                    return fragment.getWebResponse().getStatusCode() == 200
                            && !fragment.getHtmlElementById("progress").hasAttribute("hx-trigger");
                });
        HtmlPage done = open(path + "?lang=ja");
        assertThat(done.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        assertThat(done.getHtmlElementById("state").getTextContent()).contains("完了");
        DomElement progress = done.getHtmlElementById("progress");
        assertThat(progress.hasAttribute("hx-get"))
                .as("a finished job stops polling")
                .isFalse();
        assertThat(done.<DomElement>getByXPath("//table[@id='moves']/tbody/tr"))
                .anyMatch(r ->
                        r.<DomElement>getFirstByXPath("th").getTextContent().equals("PS-4.2")
                                && r.<DomElement>getFirstByXPath("td[1]")
                                        .getTextContent()
                                        .strip()
                                        .equals("適合")
                                && r.<DomElement>getFirstByXPath("td[2]")
                                        .getTextContent()
                                        .strip()
                                        .equals("不適合"));
        assertThat(done.getAnchors()).anyMatch(a -> a.getHrefAttribute().equals("/console/assessments/" + storedId));
        assertThat(done.getHtmlElementById("changed-count").getTextContent()).contains("アセスメントで結果が変わります");
    }

    @Test
    void onlyARuleAdministratorOpensTheValidationAndImpactPages() throws Exception {
        for (String key : List.of(TestKeys.AUDITOR, TestKeys.SUBMITTER_A)) {
            browser.getCookieManager().clearCookies();
            signIn(key);
            for (String path : Arrays.asList(
                    "/console/rulesets/validate", "/console/rulesets/impact/01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69")) {
                HtmlPage refused = open(path);
                assertThat(refused.getWebResponse().getStatusCode())
                        .as(key + " " + path)
                        .isEqualTo(403);
                assertThat(refused.asNormalizedText())
                        .doesNotContain("Exception")
                        .doesNotContain("error.403");
            }
        }
    }
}
