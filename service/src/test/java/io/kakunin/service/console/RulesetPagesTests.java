package io.kakunin.service.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.kb.Ruleset;
import io.kakunin.service.Http;
import io.kakunin.service.RulesDirectory;
import io.kakunin.service.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlAnchor;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlSelect;
import org.htmlunit.html.HtmlTable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ruleset pages against a service on a rules directory an officer edits: one title changed
 * and reloaded makes a second revision, one broken rule file a refusal, so the history lists both
 * activations and the refusal's diagnostic, and the diff shows the changed line on both sides and
 * leaves the unchanged files out; in English and Japanese, and to officers and auditors only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class RulesetPagesTests extends ConsolePageTest {

    private static final String ACROSS = "PS-4.2.title=No default password shared across devices";
    private static final String BETWEEN = "PS-4.2.title=No default password shared between devices";

    static final RulesDirectory RULES;

    static {
        try {
            RULES = RulesDirectory.export(
                    Files.createTempDirectory("ruleset-pages").resolve("rules"), name -> name.contains("/scenario-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The revision published in the test, and the line of the refused file's error. */
    static String published;

    static int refusedLine;

    @DynamicPropertySource
    static void rules(DynamicPropertyRegistry registry) {
        registry.add("kakunin.rules.path", () -> RULES.root().toAbsolutePath().toString());
        registry.add("kakunin.rules.watch", () -> "false");
        registry.add("kakunin.rules.coverage-min", () -> "0");
    }

    @BeforeEach
    void publishOnce() {
        synchronized (RulesetPagesTests.class) {
            if (published == null) {
                Http http = new Http(port).as(TestKeys.RULE_ADMIN);
                assertThat(http.get("/v1/rulesets/active")
                                .json()
                                .path("revision")
                                .asString())
                        .isEqualTo(Ruleset.builtIn().revision());
                RULES.replace("messages_en.properties", ACROSS, BETWEEN);
                Http.Response activated = http.send("POST", "/v1/rulesets/reload", null, null);
                assertThat(activated.status()).isEqualTo(200);
                assertThat(activated.json().path("outcome").asString()).isEqualTo("ACTIVATED");
                String revision = RULES.revision();
                String nda = RULES.read("sharing/nda.drl");
                refusedLine = RULES.lineOf("sharing/nda.drl", "rule \"");
                RULES.replace("sharing/nda.drl", "rule \"", "rul \"");
                assertThat(http.send("POST", "/v1/rulesets/reload", null, null).status())
                        .isEqualTo(422);
                RULES.write("sharing/nda.drl", nda);
                assertThat(http.send("POST", "/v1/rulesets/reload", null, null).status())
                        .isEqualTo(200);
                published = revision;
            }
        }
    }

    static String shortened(String revision) {
        return revision.substring(0, 16);
    }

    static String builtIn() {
        return Ruleset.builtIn().revision();
    }

    @Test
    void theHistoryListsBothActivationsAndTheRefusalWithItsDiagnosticAndHidesServerPathsFromAuditors()
            throws Exception {
        signIn(TestKeys.AUDITOR);
        HtmlPage page = open("/console/rulesets");
        assertThat(page.getWebResponse().getStatusCode()).isEqualTo(200);
        String active = page.<DomElement>getFirstByXPath("//dl[contains(@class,'rs-active')]")
                .asNormalizedText();
        assertThat(active).contains(published).contains("Fixtures passed").contains("14");

        HtmlTable history = page.getFirstByXPath("//table[contains(@class,'rs-history')]");
        List<String> activations = history.getBodies().get(0).getRows().stream()
                .filter(r -> r.getAttribute("class").contains("rs-ACTIVATED"))
                .map(DomElement::asNormalizedText)
                .toList();
        assertThat(activations).hasSize(2);
        assertThat(activations.get(0))
                .contains("Activated")
                .contains("Reload request")
                .contains(shortened(published));
        assertThat(activations.get(1)).contains("Service start").contains(shortened(builtIn()));
        String refusal = history.getBodies().get(0).getRows().stream()
                .filter(r -> r.getAttribute("class").contains("rs-REFUSED"))
                .map(DomElement::asNormalizedText)
                .findFirst()
                .orElseThrow();
        assertThat(refusal)
                .contains("Refused")
                .contains("Errors: 1,")
                .contains("Error sharing/nda.drl, line " + refusedLine + ":");
        assertThat(page.asXml()).doesNotContain(RULES.root().toAbsolutePath().toString());

        HtmlSelect from = page.getHtmlElementById("diff-from");
        HtmlSelect to = page.getHtmlElementById("diff-to");
        assertThat(from.getSelectedOptions().get(0).getValueAttribute()).isEqualTo(builtIn());
        assertThat(to.getSelectedOptions().get(0).getValueAttribute()).isEqualTo(published);
    }

    @Test
    void aRuleAdministratorSeesWhereTheRulesAreLoadedFromAndTheHistoryInJapanese() throws Exception {
        signIn(TestKeys.RULE_ADMIN);
        HtmlPage page = open("/console/rulesets?lang=ja");
        assertThat(page.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        String text = page.asNormalizedText();
        assertThat(text)
                .contains("有効なリビジョン")
                .contains("サーバー上のパス")
                .contains(RULES.root().toAbsolutePath().toString())
                .contains("再読み込みの要求")
                .contains("sharing/nda.drl " + refusedLine + " 行目")
                .doesNotContain("rulesets.");
        HtmlTable history = page.getFirstByXPath("//table[contains(@class,'rs-history')]");
        assertThat(history.getBodies().get(0).getRows().stream()
                        .filter(r -> r.getAttribute("class").contains("rs-ACTIVATED"))
                        .map(DomElement::asNormalizedText))
                .hasSize(2)
                .allSatisfy(row -> assertThat(row).contains("有効化"));
    }

    @Test
    void theDiffShowsTheChangedLineOnBothSidesAndLeavesUnchangedFilesOut() throws Exception {
        signIn(TestKeys.AUDITOR);
        HtmlForm form = open("/console/rulesets").getForms().stream()
                .filter(f -> f.getActionAttribute().endsWith("/console/rulesets/diff"))
                .findFirst()
                .orElseThrow();
        HtmlPage diff =
                form.getOneHtmlElementByAttribute("button", "type", "submit").click();
        assertThat(diff.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(diff.getUrl().getPath()).isEqualTo("/console/rulesets/diff");

        List<HtmlTable> tables = diff.getByXPath("//table[contains(@class,'rs-diff')]");
        assertThat(tables).hasSize(1);
        HtmlTable table = tables.get(0);
        assertThat(table.getCaptionText()).isEqualTo("messages_en.properties (changed)");
        List<org.htmlunit.html.HtmlTableRow> changed = table.getBodies().get(0).getRows().stream()
                .filter(r -> r.getAttribute("class").equals("rs-change"))
                .toList();
        assertThat(changed).hasSize(1);
        var cells = changed.get(0).getCells();
        assertThat(cells.get(0).asNormalizedText())
                .isEqualTo(String.valueOf(RULES.lineOf("messages_en.properties", BETWEEN)));
        assertThat(cells.get(1).asNormalizedText()).contains("changed line");
        assertThat(cells.get(2).getAttribute("class")).isEqualTo("chg");
        assertThat(cells.get(2).asNormalizedText()).isEqualTo("PS-4.2.title=No default password shared across devices");
        assertThat(cells.get(2).getElementsByTagName("del").get(0).getTextContent())
                .isEqualTo("across");
        assertThat(cells.get(5).asNormalizedText())
                .isEqualTo("PS-4.2.title=No default password shared between devices");
        assertThat(cells.get(5).getElementsByTagName("ins").get(0).getTextContent())
                .isEqualTo("between");
        assertThat(table.getElementsByTagName("th"))
                .isNotEmpty()
                .allSatisfy(th -> assertThat(th.getAttribute("scope")).isEqualTo("col"));

        String summary = diff.getHtmlElementById("summary").asNormalizedText();
        assertThat(summary).startsWith("Files that differ: 1.");
        String unchanged = diff.<DomElement>getFirstByXPath("//details[contains(@class,'rs-unchanged')]")
                .asXml();
        assertThat(unchanged).contains("catalog.yaml").contains("sharing/nda.drl");
        assertThat(diff.asNormalizedText()).doesNotContain("catalog.yaml (");
    }

    @Test
    void theDiffIsInJapaneseAndTheSameRevisionTwiceIsIdentical() throws Exception {
        signIn(TestKeys.RULE_ADMIN);
        HtmlPage diff = open("/console/rulesets/diff?lang=ja&from=" + builtIn() + "&to=" + published);
        assertThat(diff.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        HtmlTable table = diff.getFirstByXPath("//table[contains(@class,'rs-diff')]");
        assertThat(table.getCaptionText()).isEqualTo("messages_en.properties(変更)");
        assertThat(table.asNormalizedText())
                .contains("変更された行")
                .contains("shared across devices")
                .contains("shared between devices");
        assertThat(diff.getHtmlElementById("summary").asNormalizedText()).startsWith("差分のあるファイル:1 件。");

        HtmlPage same = open("/console/rulesets/diff?lang=en&from=" + published + "&to=" + published);
        assertThat(same.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(same.getHtmlElementById("identical").asNormalizedText()).contains("identical");
        assertThat(same.getByXPath("//table")).isEmpty();

        HtmlPage unknown = open("/console/rulesets/diff?from=sha256:0000&to=" + published);
        assertThat(unknown.getWebResponse().getStatusCode()).isEqualTo(404);
        assertThat(unknown.getWebResponse().getContentType()).isEqualTo("text/html");
        assertThat(unknown.asNormalizedText()).doesNotContain("Exception");
    }

    @Test
    void aRevisionListsItsFilesAndShowsEachText() throws Exception {
        signIn(TestKeys.AUDITOR);
        HtmlPage revision = open("/console/rulesets/revisions/" + published);
        assertThat(revision.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(revision.asNormalizedText()).contains(published).contains("This is the active revision.");
        HtmlAnchor link = revision.getAnchors().stream()
                .filter(a -> a.asNormalizedText().equals("sharing/nda.drl"))
                .findFirst()
                .orElseThrow();
        HtmlPage file = link.click();
        assertThat(file.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(file.getUrl().getPath()).endsWith("/files/sharing/nda.drl");
        assertThat(file.<DomElement>getFirstByXPath("//pre").getTextContent())
                .isEqualTo(RULES.read("sharing/nda.drl").replaceFirst("^\uFEFF", ""));

        HtmlPage earlier = open("/console/rulesets/revisions/" + builtIn() + "/files/messages_en.properties");
        assertThat(earlier.<DomElement>getFirstByXPath("//pre").getTextContent())
                .contains(ACROSS)
                .doesNotContain(BETWEEN);
        assertThat(earlier.asNormalizedText()).doesNotContain("This is the active revision.");
        HtmlPage compared = open("/console/rulesets/revisions/" + builtIn()).getAnchors().stream()
                .filter(a -> a.asNormalizedText().equals("Compare with the active revision"))
                .findFirst()
                .orElseThrow()
                .click();
        assertThat(compared.<HtmlTable>getFirstByXPath("//table[contains(@class,'rs-diff')]")
                        .getCaptionText())
                .isEqualTo("messages_en.properties (changed)");

        assertThat(open("/console/rulesets/revisions/sha256:0000")
                        .getWebResponse()
                        .getStatusCode())
                .isEqualTo(404);
        assertThat(open("/console/rulesets/revisions/" + published + "/files/no-such.drl")
                        .getWebResponse()
                        .getStatusCode())
                .isEqualTo(404);
    }

    @Test
    void everyKeyThePagesBuildFromAnEventOrADiffHasItsTexts() {
        ConsoleMessages messages = new ConsoleMessages();
        List<String> built = new java.util.ArrayList<>();
        for (io.kakunin.api.model.RulesetEventOutcome o : io.kakunin.api.model.RulesetEventOutcome.values()) {
            built.add("rulesets.outcome." + o.getValue());
        }
        for (io.kakunin.api.model.RulesetTrigger t : io.kakunin.api.model.RulesetTrigger.values()) {
            built.add("rulesets.trigger." + t.getValue());
        }
        for (io.kakunin.api.model.RulesetDiagnostic.SeverityEnum v :
                io.kakunin.api.model.RulesetDiagnostic.SeverityEnum.values()) {
            built.add("rulesets.severity." + v.getValue());
        }
        for (String change : List.of("added", "removed", "changed")) {
            built.add("rulesets.diff.change." + change);
            built.add("rulesets.diff.mark." + change);
            built.add("rulesets.diff.symbol." + change);
        }
        assertThat(messages.keys()).containsAll(built);
    }

    @Test
    void aSubmitterIsRefusedTheRulesetPages() throws Exception {
        signIn(TestKeys.SUBMITTER_A);
        for (String path : List.of(
                "/console/rulesets",
                "/console/rulesets/diff?from=" + builtIn() + "&to=" + published,
                "/console/rulesets/revisions/" + published)) {
            HtmlPage page = open(path);
            assertThat(page.getWebResponse().getStatusCode()).as(path).isEqualTo(403);
            assertThat(page.asNormalizedText())
                    .as(path)
                    .doesNotContain(published)
                    .doesNotContain("Exception");
        }
    }
}
