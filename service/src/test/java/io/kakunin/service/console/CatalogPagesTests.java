package io.kakunin.service.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.service.RulesDirectory;
import io.kakunin.service.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlTableRow;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The catalog pages as a browser without scripts sees them. The service serves a rules directory
 * (the built-in rules) activated with the shipped PS-4.2 fixtures, so that an item's page has
 * fixtures to list: the built-in ruleset is activated without any.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class CatalogPagesTests extends ConsolePageTest {

    /** A rule of authentication.drl that decides PS-4.2. */
    private static final String SHARED_PASSWORD_RULE =
            "A product must not ship with a default password shared across devices";

    @DynamicPropertySource
    static void rulesDirectory(DynamicPropertyRegistry registry) throws IOException {
        Path root = Files.createTempDirectory("catalog-pages-rules");
        RulesDirectory.export(root, name -> name.replace('\\', '/').startsWith("product-security/ps-4.2-"));
        registry.add("kakunin.rules.path", root::toString);
        // Five fixtures do not cover every rule; coverage is not what these pages are about.
        registry.add("kakunin.rules.coverage-min", () -> "0");
    }

    private static String row(HtmlPage page, String id) {
        HtmlTableRow row = page.getHtmlElementById("item-" + id);
        return row.asNormalizedText();
    }

    @Test
    void theListShowsEachRecommendationByMeasureWithItsTitleInEnglishAndJapanese() throws Exception {
        signIn(TestKeys.SUBMITTER_A);

        HtmlPage en = open("/console/catalog?lang=en");
        assertThat(en.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(en.getDocumentElement().getAttribute("lang")).isEqualTo("en");
        assertThat(en.<DomElement>getFirstByXPath("//h1").getTextContent()).isEqualTo("Catalog");
        assertThat(en.getHtmlElementById("measure-PS-4").asNormalizedText()).contains("Secure design and development");
        assertThat(row(en, "PS-4.2"))
                .contains("No default password shared across devices")
                .contains("Must")
                .contains("S1.1-02")
                .contains("5.1-1, 5.1-2");
        // Both domains are listed.
        assertThat(en.getHtmlElementById("domain-INFORMATION_SHARING").asNormalizedText())
                .contains("IS-1.1")
                .contains("The sharer is a specialized organization");

        HtmlPage ja = open("/console/catalog?lang=ja");
        assertThat(ja.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        assertThat(ja.<DomElement>getFirstByXPath("//h1").getTextContent()).isEqualTo("推奨事項カタログ");
        assertThat(row(ja, "PS-4.2")).contains("機器間で共通のデフォルトパスワードを使わない").contains("必須");
        assertThat(ja.asNormalizedText()).doesNotContain("??").doesNotContain("catalog.");
    }

    @Test
    void theFilterKeepsOnlyTheMatchingRecommendations() throws Exception {
        signIn(TestKeys.AUDITOR);

        HtmlPage sharing = open("/console/catalog?domain=INFORMATION_SHARING&q=");
        assertThat(sharing.getElementById("item-IS-1.1")).isNotNull();
        assertThat(sharing.getElementById("item-PS-4.2")).isNull();

        HtmlPage found = open("/console/catalog?q=default+password");
        assertThat(found.getElementById("item-PS-4.2")).isNotNull();
        assertThat(found.getElementById("item-PS-4.1")).isNull();
    }

    @Test
    void anItemShowsTheDrlOfItsRulesAndTheFixturesThatAssertEachOutcome() throws Exception {
        signIn(TestKeys.AUDITOR);

        HtmlPage item = open("/console/catalog/PS-4.2?lang=en");
        assertThat(item.getWebResponse().getStatusCode()).isEqualTo(200);
        String h1 = item.<DomElement>getFirstByXPath("//h1").getTextContent();
        assertThat(h1).contains("PS-4.2").contains("No default password shared across devices");
        String text = item.asNormalizedText();
        assertThat(text)
                .contains("Devices do not share a default password")
                .contains("Confirmed by a secondary source")
                .contains("ETSI EN 303 645")
                .contains("S1.1-02");

        // The rule's DRL as written in authentication.drl, in a code block.
        assertThat(item.getByXPath("//pre/code").stream().map(c -> ((DomElement) c).getTextContent()))
                .anyMatch(drl -> drl.startsWith("rule \"" + SHARED_PASSWORD_RULE + "\"")
                        && drl.contains("@recommendation(\"PS-4.2\")")
                        && drl.contains("defaultPasswordPolicy == DefaultPasswordPolicy.SHARED")
                        && drl.strip().endsWith("end"));
        assertThat(item.getByXPath("//h3").stream().map(h -> ((DomElement) h).getTextContent()))
                .contains(SHARED_PASSWORD_RULE);

        // The fixtures that assert its outcomes, by outcome.
        DomElement failRow = item.getFirstByXPath("//tr[th/span[contains(@class,'FAIL')]]");
        assertThat(failRow).isNotNull();
        assertThat(failRow.asNormalizedText())
                .contains("Fail")
                .contains("product-security/ps-4.2-shared-default-password-fails")
                .contains("product-security/ps-4.2-passwords-derived-from-the-mac-address-fail");
        DomElement passRow = item.getFirstByXPath("//tr[th/span[contains(@class,'PASS')]]");
        assertThat(passRow.asNormalizedText()).contains("product-security/ps-4.2-random-or-user-set-passwords-pass");

        HtmlPage ja = open("/console/catalog/PS-4.2?lang=ja");
        assertThat(ja.<DomElement>getFirstByXPath("//h1").getTextContent()).contains("機器間で共通のデフォルトパスワードを使わない");
        assertThat(ja.asNormalizedText())
                .contains("この推奨事項を実装するルール")
                .contains("不適合")
                .contains(SHARED_PASSWORD_RULE)
                .doesNotContain("??");
    }

    @Test
    void anUnknownItemIsTheConsolesNotFoundPage() throws Exception {
        signIn(TestKeys.SUBMITTER_A);

        HtmlPage missing = open("/console/catalog/PS-99.9?lang=en");
        assertThat(missing.getWebResponse().getStatusCode()).isEqualTo(404);
        assertThat(missing.getWebResponse().getContentType()).isEqualTo("text/html");
        assertThat(missing.<DomElement>getFirstByXPath("//h1").getTextContent()).contains("Not found");
        assertThat(missing.asNormalizedText()).doesNotContain("Exception").doesNotContain("PS-99.9");
    }

    @Test
    void everyRoleMayOpenTheCatalogAndNobodyWithoutSigningIn() throws Exception {
        HtmlPage anonymous = open("/console/catalog/PS-4.2");
        assertThat(anonymous.getUrl().getPath()).isEqualTo("/console/sign-in");

        for (String key : new String[] {TestKeys.SUBMITTER_A, TestKeys.AUDITOR, TestKeys.RULE_ADMIN}) {
            browser.getCookieManager().clearCookies();
            signIn(key);
            HtmlPage list = open("/console/catalog");
            assertThat(list.getWebResponse().getStatusCode()).as(key).isEqualTo(200);
            assertThat(list.getElementById("item-PS-4.2")).as(key).isNotNull();
            HtmlPage item = open("/console/catalog/PS-4.2");
            assertThat(item.getWebResponse().getStatusCode()).as(key).isEqualTo(200);
            assertThat(item.asNormalizedText()).as(key).contains(SHARED_PASSWORD_RULE);
        }
    }
}
