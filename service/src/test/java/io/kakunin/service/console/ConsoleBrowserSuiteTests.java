package io.kakunin.service.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * The console in a real browser: Debian's Chromium driven through its ChromeDriver (nothing is
 * downloaded at run time). Each step saves a screenshot under {@code target/screenshots/} and runs
 * axe-core on the page, failing on any serious or critical violation. Without Chromium the suite is
 * skipped with one line saying how to enable it; where {@code CI} is set, a missing browser fails.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserSuiteTests {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final String AXE = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";

    /**
     * The service serves a rules directory (the built-in rules with the PS-4.2 fixtures and the
     * scenarios), so that the suite can publish a change and diff two revisions, and the catalog
     * has fixtures to show.
     */
    static final io.kakunin.service.RulesDirectory RULES;

    static {
        try {
            RULES = io.kakunin.service.RulesDirectory.export(
                    Files.createTempDirectory("browser-suite").resolve("rules"),
                    name -> name.contains("/ps-4.2-") || name.contains("/scenario-"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @org.springframework.test.context.DynamicPropertySource
    static void rules(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("kakunin.rules.path", () -> RULES.root().toAbsolutePath().toString());
        registry.add("kakunin.rules.watch", () -> "false");
        registry.add("kakunin.rules.coverage-min", () -> "0");
    }

    @LocalServerPort
    int port;

    WebDriver browser;
    Path profile;
    String axe;
    int shot;
    final List<String> pages = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String how = "The console's browser suite needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": sudo apt-get install chromium chromium-driver fonts-noto-cjk";
            if (System.getenv("CI") != null) {
                throw new IllegalStateException(how + " (CI is set, so the suite is required)");
            }
            System.out.println("Skipped: " + how);
            Assumptions.abort(how);
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(AXE)) {
            assertThat(in).as(AXE).isNotNull();
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.createDirectories(SCREENSHOTS);
        try (var old = Files.list(SCREENSHOTS)) {
            for (Path file : old.filter(f -> f.toString().endsWith(".png")).toList()) {
                Files.delete(file);
            }
        }
        profile = Files.createTempDirectory("kakunin-chromium");
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--disable-dev-shm-usage",
                        "--window-size=1280,1600",
                        "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        System.out.println("Console screenshots in " + SCREENSHOTS.toAbsolutePath() + ": " + pages);
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    void open(String path) {
        browser.get(url(path));
    }

    /** Saves the page as the next screenshot and fails on a serious or critical accessibility violation. */
    void check(String name) throws IOException {
        String file = String.format("%02d-%s.png", ++shot, name);
        Files.write(SCREENSHOTS.resolve(file), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        pages.add(file);
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript(axe);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> violations =
                (List<Map<String, Object>>) js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {resultTypes: ['violations']})"
                        + ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                        + " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))"
                        + ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));");
        assertThat(violations)
                .as("serious accessibility violations on " + browser.getCurrentUrl() + " (" + file + ")")
                .filteredOn(v -> "serious".equals(v.get("impact")) || "critical".equals(v.get("impact")))
                .isEmpty();
    }

    String lang() {
        return browser.findElement(By.tagName("html")).getAttribute("lang");
    }

    void signIn(String key) {
        open("/console/sign-in");
        browser.findElement(By.id("apiKey")).sendKeys(key);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
    }

    void signOut() {
        browser.findElement(By.cssSelector("form.sign-out button")).click();
    }

    void choose(String field, String value) {
        for (WebElement input : browser.findElements(By.name(field))) {
            if (value.equals(input.getAttribute("value")) && "radio".equals(input.getAttribute("type"))) {
                input.click();
                return;
            }
        }
        new Select(browser.findElement(By.name(field))).selectByValue(value);
    }

    void submit(String formSelector) {
        browser.findElement(By.cssSelector(formSelector + " button[type=submit]"))
                .click();
    }

    String path() {
        return java.net.URI.create(browser.getCurrentUrl()).getPath();
    }

    void waitForPath(String regex) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> path().matches(regex));
    }

    @Test
    @Order(1)
    void signInWithAKey() throws IOException {
        open("/console/sign-in?lang=en");
        assertThat(lang()).isEqualTo("en");
        check("sign-in");
        signIn(TestKeys.ALL);
        waitForPath("/console");
        assertThat(browser.findElement(By.tagName("nav")).getText()).contains("Self-assessment", "Rulesets");
        check("home");
    }

    @Test
    @Order(2)
    void completeASelfAssessmentInJapaneseAndOpenTheVerdict() throws IOException {
        open("/console/assess?lang=ja");
        assertThat(lang()).isEqualTo("ja");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("セルフアセスメント");
        browser.findElement(By.name("organization:/id")).sendKeys("browser-ja");
        browser.findElement(By.name("product:/id")).sendKeys("camera-ja");
        choose("organization:/psirt", "DEDICATED");
        choose("organization:/vulnerabilityHandlingProcedureDocumented", "no");
        check("self-assessment-ja");
        submit("form.questionnaire");
        waitForPath("/console/assessments/[0-9a-f-]{36}");
        assertThat(lang()).isEqualTo("ja");
        assertThat(browser.findElement(By.id("overall-outcome")).getText()).isEqualTo("不適合");
        assertThat(browser.findElement(By.cssSelector("svg")).getAttribute("aria-labelledby"))
                .isNotBlank();
        check("verdict-ja");
    }

    @Test
    @Order(3)
    void answerAFollowUpQuestionAndSeeTheOutcomeChange() throws IOException {
        Http.Response created = new Http(port)
                .postJson(
                        "/v1/assessments",
                        "{\"organization\":{\"id\":\"browser-follow-up\",\"psirt\":\"DEDICATED\"},\"products\":[{}]}");
        assertThat(created.status()).isEqualTo(201);
        String first = created.json().path("id").asString();
        open("/console/assessments/" + first + "?lang=en");
        WebElement ps23 = browser.findElement(By.cssSelector("article.result[id^='result-PS-2.3-']"));
        assertThat(ps23.getAttribute("class")).contains("NEEDS_INFORMATION");
        String before = browser.findElement(By.id("overall-outcome")).getText();
        check("verdict-with-follow-up");

        choose("at:/organization/vulnerabilityHandlingProcedureDocumented", "no");
        submit("#follow-up form");
        waitForPath("/console/assessments/[0-9a-f-]{36}");
        assertThat(path()).doesNotEndWith(first);
        assertThat(browser.findElement(By.cssSelector("article.result[id^='result-PS-2.3-']"))
                        .getAttribute("class"))
                .contains("FAIL");
        assertThat(browser.findElement(By.id("overall-outcome")).getText())
                .isEqualTo("Non-compliant")
                .isNotEqualTo(before);
        String second = path().substring("/console/assessments/".length());
        JsonNode stored = new Http(port).get("/v1/assessments/" + second).json();
        assertThat(stored.path("overallOutcome").asString()).isEqualTo("NON_COMPLIANT");
        check("verdict-after-follow-up");
    }

    @Test
    @Order(4)
    void printTheVerdictAsAReport() throws IOException {
        // The print stylesheet hides the navigation and the forms: checked on the page the browser renders.
        ((org.openqa.selenium.chromium.HasCdp) browser)
                .executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
        try {
            assertThat(browser.findElement(By.tagName("nav")).isDisplayed()).isFalse();
            assertThat(browser.findElement(By.id("overall-outcome")).isDisplayed())
                    .isTrue();
            check("verdict-print");
        } finally {
            ((org.openqa.selenium.chromium.HasCdp) browser)
                    .executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
        }
    }

    @Test
    @Order(5)
    void theAssessmentsListAndAReevaluation() throws IOException {
        open("/console/assessments?organizationId=browser-follow-up&lang=zh-TW");
        assertThat(lang()).isEqualTo("zh-TW");
        List<WebElement> rows = browser.findElements(By.cssSelector("main table tbody tr"));
        assertThat(rows).hasSize(2);
        check("assessments-zh-TW");
        rows.get(0).findElement(By.tagName("a")).click();
        waitForPath("/console/assessments/[0-9a-f-]{36}");
        browser.findElement(By.cssSelector("a[href$='/reevaluation']")).click();
        waitForPath("/console/assessments/[0-9a-f-]{36}/reevaluation");
        assertThat(browser.findElement(By.id("identical")).getAttribute("class"))
                .doesNotContain("error");
        check("reevaluation-zh-TW");
    }

    @Test
    @Order(10)
    void submitASharingReviewAndReadItsDecisionInJapanese() throws IOException {
        String request = Files.readString(
                io.kakunin.fixtures.Fixtures.root()
                        .resolve(
                                "information-sharing/is-7-victim-in-text-accounts-and-location-is-redacted-everywhere/request.json"),
                StandardCharsets.UTF_8);
        open("/console/sharing-reviews/new?lang=ja");
        assertThat(lang()).isEqualTo("ja");
        WebElement text = browser.findElement(By.id("request"));
        // The whole request at once: typing it key by key would take minutes.
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", text, request);
        check("sharing-review-new-ja");
        submit("main form");
        waitForPath("/console/sharing-reviews/[0-9a-f-]{36}");
        assertThat(browser.findElement(By.id("decision-value")).getText()).isNotBlank();
        assertThat(browser.findElement(By.id("bundle")).getAttribute("href")).endsWith("/bundle");
        check("sharing-review-ja");
        open("/console/sharing-reviews?lang=en");
        assertThat(browser.findElements(By.cssSelector("main table tbody tr"))).isNotEmpty();
        check("sharing-reviews");
    }

    @Test
    @Order(20)
    void browseTheCatalogToAnItemWithItsRulesAndFixtures() throws IOException {
        open("/console/catalog?lang=ja");
        assertThat(lang()).isEqualTo("ja");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("PS-4.2");
        check("catalog-ja");
        browser.findElement(By.linkText("PS-4.2")).click();
        waitForPath("/console/catalog/PS-4.2");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("機器間で共通のデフォルトパスワードを使わない");
        assertThat(browser.findElements(By.cssSelector("pre code"))).isNotEmpty();
        check("catalog-item-ja");
    }

    @Test
    @Order(30)
    void validateABrokenRuleFileAndSeeTheDiagnosticAtItsLine() throws IOException {
        String path = "product/authentication.drl";
        String drl = RulesetValidationPagesTests.builtIn(path);
        String original = "$p : Product( networkServices == null )";
        int at = drl.indexOf(original);
        assertThat(at).isPositive();
        int line = (int) drl.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        Path upload = Files.createTempDirectory("kakunin-upload").resolve("authentication.drl");
        Files.writeString(upload, drl.replace(original, "$p : Product( networkServices == )"));

        open("/console/rulesets/validate?lang=en");
        check("ruleset-validate");
        browser.findElement(By.id("path-0")).sendKeys(path);
        browser.findElement(By.id("file-0")).sendKeys(upload.toAbsolutePath().toString());
        submit("main form");
        WebElement diagnostic =
                new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> d.findElement(By.id("diagnostic-0")));
        assertThat(diagnostic.findElement(By.tagName("h3")).getText())
                .contains(path)
                .contains("line " + line);
        assertThat(diagnostic.findElement(By.cssSelector("tr.marked")).getText())
                .contains(String.valueOf(line))
                .contains("networkServices == )");
        check("ruleset-validation-diagnostic");
    }

    @Test
    @Order(40)
    void publishAChangeAndDiffTheTwoRevisions() throws IOException {
        RULES.replace(
                "messages_en.properties",
                "PS-4.2.title=No default password shared across devices",
                "PS-4.2.title=No default password shared between devices");
        Http.Response reloaded = new Http(port).send("POST", "/v1/rulesets/reload", null, null);
        assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);

        open("/console/rulesets?lang=en");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains(RULES.revision());
        check("rulesets-history");
        submit("form.filters");
        waitForPath("/console/rulesets/diff");
        List<WebElement> tables = browser.findElements(By.cssSelector("table.rs-diff"));
        assertThat(tables).hasSize(1);
        assertThat(tables.get(0).getText()).contains("across").contains("between");
        check("ruleset-diff");
    }

    @Test
    @Order(90)
    void aSubmitterCannotOpenTheRulesetsPages() throws IOException {
        signOut();
        signIn(TestKeys.SUBMITTER_A);
        waitForPath("/console");
        assertThat(browser.findElement(By.tagName("nav")).getText()).doesNotContain("Rulesets");
        open("/console/rulesets?lang=en");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("403 Not allowed");
        assertThat(browser.getPageSource()).doesNotContain("Exception");
        assertThat(new Http(port).as(null).get("/console/rulesets").status()).isIn(302, 401);
        check("rulesets-refused-to-submitter");
    }
}
