package io.kakunin.service.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.htmlunit.WebClient;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlInput;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlRadioButtonInput;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * The console as a browser without scripts sees it (HtmlUnit against the running server): signing
 * in and out, CSRF, the language switch, a self-assessment in Japanese, the API's field messages on
 * a bad answer, and a follow-up answer that changes the verdict. The real-browser suite repeats the
 * main path in Chromium; these run on every build.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ConsolePagesTests extends ConsolePageTest {

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void aPageAskedForWithoutASessionLeadsToSignInAndAWrongKeyIsRefused() throws Exception {
        HtmlPage page = open("/console/assessments");
        assertThat(page.getUrl().getPath()).isEqualTo("/console/sign-in");
        assertThat(page.getDocumentElement().getAttribute("lang")).isEqualTo("en");

        HtmlPage refused = signIn("kak_not_a_key_00000000000000000000000000");
        assertThat(refused.getUrl().toString()).contains("/console/sign-in?error");
        assertThat(refused.getElementsByTagName("p").stream().map(DomElement::getTextContent))
                .anyMatch(t -> t.contains("not accepted"));
    }

    @Test
    void aSubmitterSignsInSeesOnlyWhatTheRoleOpensAndSignsOut() throws Exception {
        HtmlPage home = signIn(TestKeys.SUBMITTER_A);
        assertThat(home.getUrl().getPath()).isEqualTo("/console");
        String nav = home.<DomElement>getFirstByXPath("//nav").asNormalizedText();
        assertThat(nav).contains("Self-assessment").doesNotContain("Rulesets");

        HtmlPage forbidden = open("/console/rulesets");
        assertThat(forbidden.getWebResponse().getStatusCode()).isEqualTo(403);
        assertThat(forbidden.asNormalizedText()).doesNotContain("Exception").doesNotContain("error.403");

        HtmlPage missing = open("/console/no-such-page");
        assertThat(missing.getWebResponse().getStatusCode()).isEqualTo(404);
        assertThat(missing.getWebResponse().getContentType()).isEqualTo("text/html");

        HtmlForm signOut = home.getForms().stream()
                .filter(f -> f.getActionAttribute().endsWith("/console/sign-out"))
                .findFirst()
                .orElseThrow();
        HtmlPage out =
                signOut.getOneHtmlElementByAttribute("button", "type", "submit").click();
        assertThat(out.getUrl().toString()).contains("/console/sign-in?signedOut");
        assertThat(open("/console/assess").getUrl().getPath()).isEqualTo("/console/sign-in");
    }

    @Test
    void aFormPostedWithoutItsCsrfTokenIsRefused() throws Exception {
        signIn(TestKeys.SUBMITTER_A);
        String session = browser.getCookieManager().getCookie("JSESSIONID").getValue();
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url("/console/assess")))
                                .header("Cookie", "JSESSIONID=" + session)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("organization%3A%2Fid=acme"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("The form was not accepted").doesNotContain("role");
        assertThat(new Http(port)
                        .get("/v1/assessments?organizationId=acme")
                        .json()
                        .path("items"))
                .isEmpty();
    }

    @Test
    void theLanguageSwitchSetsTheLanguageOfThePageAndIsRemembered() throws Exception {
        signIn(TestKeys.ALL);
        HtmlPage ja = open("/console?lang=ja");
        assertThat(ja.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        assertThat(ja.asNormalizedText()).contains("セルフアセスメント");
        HtmlPage again = open("/console/assessments");
        assertThat(again.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        HtmlPage zh = open("/console/assess?lang=zh-TW");
        assertThat(zh.getDocumentElement().getAttribute("lang")).isEqualTo("zh-TW");
        assertThat(zh.asNormalizedText()).contains("自我評估");
    }

    @Test
    void aSelfAssessmentInJapaneseCreatesAnAssessmentThroughTheApisService() throws Exception {
        signIn(TestKeys.SUBMITTER_A);
        HtmlPage form = open("/console/assess?lang=ja");
        assertThat(form.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        HtmlForm questionnaire = questionnaire(form);
        questionnaire.<HtmlInput>getInputByName("organization:/id").type("console-ja");
        questionnaire.<HtmlInput>getInputByName("product:/id").type("camera-1");
        // PS-2.3 asks whether a vulnerability-handling procedure is documented: answer "no".
        answer(questionnaire, "organization:/vulnerabilityHandlingProcedureDocumented", "no");
        answer(questionnaire, "organization:/psirt", "DEDICATED");

        HtmlPage verdict = submit(questionnaire);
        assertThat(verdict.getUrl().getPath()).matches("/console/assessments/[0-9a-f-]{36}");
        assertThat(verdict.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        assertThat(verdict.getElementById("overall-outcome").getTextContent()).isEqualTo("不適合");

        String id = verdict.getUrl().getPath().substring("/console/assessments/".length());
        JsonNode stored = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .get("/v1/assessments/" + id)
                .json();
        assertThat(stored.path("overallOutcome").asString()).isEqualTo("NON_COMPLIANT");
        assertThat(new Http(port)
                        .as(TestKeys.SUBMITTER_A)
                        .get("/v1/assessments?organizationId=console-ja")
                        .json()
                        .path("items"))
                .hasSize(1);
        assertThat(result(stored, "PS-2.3")).isEqualTo("FAIL");
        assertThat(verdict.asNormalizedText()).doesNotContain("??").doesNotContain("verdict.");
    }

    @Test
    void aBadAnswerGetsTheApisFieldMessageOnTheForm() throws Exception {
        signIn(TestKeys.SUBMITTER_A);
        HtmlPage form = open("/console/assess?lang=ja");
        HtmlForm questionnaire = questionnaire(form);
        questionnaire.<HtmlInput>getInputByName("organization:/id").type("console-bad");
        questionnaire
                .<HtmlInput>getInputByName("organization:/monitoringIntervalDays")
                .type("every week");

        HtmlPage refused = submit(questionnaire);
        assertThat(refused.getWebResponse().getStatusCode()).isEqualTo(400);
        String api = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .postJson(
                        "/v1/assessments",
                        "{\"organization\":{\"id\":\"console-bad\",\"monitoringIntervalDays\":\"every week\"},"
                                + "\"products\":[{}]}",
                        "Accept-Language",
                        "ja")
                .json()
                .path("errors")
                .get(0)
                .path("detail")
                .asString();
        assertThat(api).isNotBlank();
        assertThat(refused.asNormalizedText()).contains(api);
        assertThat(new Http(port)
                        .get("/v1/assessments?organizationId=console-bad")
                        .json()
                        .path("items"))
                .isEmpty();
    }

    @Test
    void answeringAFollowUpQuestionProducesTheNextVerdict() throws Exception {
        String fixture = Files.readString(
                fixtureRequest("ps-2.3-psirt-with-unknown-procedure-needs-information"), StandardCharsets.UTF_8);
        Http.Response created = new Http(port).as(TestKeys.SUBMITTER_A).postJson("/v1/assessments", fixture);
        assertThat(created.status()).isEqualTo(201);
        String first = created.json().path("id").asString();
        assertThat(result(created.json(), "PS-2.3")).isEqualTo("NEEDS_INFORMATION");

        signIn(TestKeys.SUBMITTER_A);
        HtmlPage verdict = open("/console/assessments/" + first);
        DomElement followUp = verdict.getElementById("follow-up");
        assertThat(followUp).isNotNull();
        HtmlForm form = (HtmlForm) followUp.getElementsByTagName("form").get(0);
        answer(form, "at:/organization/vulnerabilityHandlingProcedureDocumented", "yes");
        HtmlPage next = submit(form);

        Matcher id = Pattern.compile("/console/assessments/([0-9a-f-]{36})")
                .matcher(next.getUrl().getPath());
        assertThat(id.matches()).as(next.getUrl().toString()).isTrue();
        assertThat(id.group(1)).isNotEqualTo(first);
        JsonNode second = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .get("/v1/assessments/" + id.group(1))
                .json();
        // PASS needs both the answer and the fact the first request held (psirt: DEDICATED).
        assertThat(result(second, "PS-2.3")).isEqualTo("PASS");
    }

    @Test
    void aDraftIsSavedResumedInANewSessionKeptFromOtherKeysAndGoneOnceSubmitted() throws Exception {
        signIn(TestKeys.SUBMITTER_A);
        HtmlForm questionnaire = questionnaire(open("/console/assess?lang=en"));
        questionnaire.<HtmlInput>getInputByName("organization:/id").type("draft-org");
        answer(questionnaire, "organization:/psirt", "DEDICATED");
        HtmlPage saved = questionnaire.getButtonByName("save").click();
        assertThat(saved.getElementById("draft-saved")).isNotNull();
        String draft = saved.getUrl().getQuery().replaceAll(".*draft=([0-9a-f-]{36}).*", "$1");
        assertThat(draft).hasSize(36);
        assertThat(new Http(port)
                        .get("/v1/assessments?organizationId=draft-org")
                        .json()
                        .path("items"))
                .as("a draft is not an assessment")
                .isEmpty();

        browser.getCookieManager().clearCookies();
        signIn(TestKeys.SUBMITTER_A);
        HtmlPage list = open("/console/assess");
        assertThat(list.getElementById("drafts").asNormalizedText()).contains("draft-org");
        HtmlPage resumed = open("/console/assess?draft=" + draft);
        HtmlForm again = questionnaire(resumed);
        assertThat(again.<HtmlInput>getInputByName("organization:/id").getValue())
                .isEqualTo("draft-org");
        assertThat(again.getSelectByName("organization:/psirt")
                        .getSelectedOptions()
                        .get(0)
                        .getValueAttribute())
                .isEqualTo("DEDICATED");

        try (WebClient other = new WebClient()) {
            other.getOptions().setJavaScriptEnabled(false);
            other.getOptions().setThrowExceptionOnFailingStatusCode(false);
            WebClient mine = browser;
            browser = other;
            signIn(TestKeys.SUBMITTER_B);
            assertThat(open("/console/assess?draft=" + draft).getWebResponse().getStatusCode())
                    .isEqualTo(404);
            assertThat(open("/console/assess").getElementById("drafts")).isNull();
            browser = mine;
        }

        answer(again, "organization:/vulnerabilityHandlingProcedureDocumented", "yes");
        HtmlPage verdict = submit(again);
        assertThat(verdict.getUrl().getPath()).startsWith("/console/assessments/");
        assertThat(open("/console/assess?draft=" + draft).getWebResponse().getStatusCode())
                .isEqualTo(404);
        assertThat(open("/console/assess").getElementById("drafts")).isNull();
    }

    private static Path fixtureRequest(String name) {
        Path root = Path.of("..", "test-fixtures", "fixtures", "product-security", name, "request.json");
        assertThat(root).exists();
        return root;
    }

    private static String result(JsonNode assessment, String recommendation) {
        for (JsonNode r : assessment.path("results")) {
            if (r.path("recommendationId").asString().equals(recommendation)) {
                return r.path("effectiveOutcome").asString(r.path("outcome").asString());
            }
        }
        throw new AssertionError(recommendation + " is not in " + assessment);
    }

    private static HtmlForm questionnaire(HtmlPage page) {
        return page.getForms().stream()
                .filter(f -> f.getActionAttribute().endsWith("/console/assess"))
                .findFirst()
                .orElseThrow();
    }

    private static void answer(HtmlForm form, String field, String value) {
        for (HtmlInput input : form.getInputsByName(field)) {
            if (input instanceof HtmlRadioButtonInput radio && value.equals(radio.getValueAttribute())) {
                radio.setChecked(true);
                return;
            }
        }
        form.getSelectByName(field).setSelectedAttribute(value, true);
    }

    /** Submits the form with its first button (the questionnaire's second one saves a draft). */
    private static HtmlPage submit(HtmlForm form) throws Exception {
        return form.<org.htmlunit.html.HtmlButton>getElementsByAttribute("button", "type", "submit")
                .get(0)
                .click();
    }
}
