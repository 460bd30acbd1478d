package io.kakunin.service.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.RedactionAction;
import io.kakunin.api.model.RedactionFinding;
import io.kakunin.api.model.RedistributionScope;
import io.kakunin.api.model.SharingDecision;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.htmlunit.Page;
import org.htmlunit.WebResponse;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlFileInput;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlTextArea;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sharing-review pages as a browser without scripts sees them: a real request from the
 * information-sharing fixtures made into a review through the console's form, its decision, the
 * reasons and the redactions by kind in English and Japanese, the sanitized bundle as the API
 * gives it, the API's words for a bad request, the roles; and no value of the victim profile on
 * any page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class SharingReviewPagesTests extends ConsolePageTest {

    /** Victim named in the bundle's texts, accounts and location; redacted in several ways. */
    private static final String FIXTURE =
            "information-sharing/is-7-victim-in-text-accounts-and-location-is-redacted-everywhere/request.json";

    /** An organization name and a domain found nowhere but in the victim profile this test submits. */
    private static final String DISTINCT_NAME = "Zephyrine Kogyo K.K.";

    private static final String DISTINCT_DOMAIN = "zephyrine-kogyo.example";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    /**
     * The fixture with a victim profile that also names an organization and a domain found nowhere
     * else, and the first two objects without their TLP marking, so that the review stamps one.
     */
    private static ObjectNode request() throws Exception {
        ObjectNode request =
                (ObjectNode) JSON.readTree(Files.readString(Fixtures.root().resolve(FIXTURE)));
        ObjectNode profile = (ObjectNode) request.path("victimProfile");
        assertThat(profile.isObject()).isTrue();
        ((ArrayNode) profile.path("names")).add(DISTINCT_NAME);
        ((ArrayNode) profile.path("domains")).add(DISTINCT_DOMAIN);
        ArrayNode objects = (ArrayNode) request.path("stix").path("objects");
        ((ObjectNode) objects.get(0)).remove("object_marking_refs");
        ((ObjectNode) objects.get(1)).remove("object_marking_refs");
        return request;
    }

    /** Every value of the submitted victim profile (the distinctive ones, and the fixture's own). */
    private static List<String> victimValues(ObjectNode request) {
        List<String> values = new ArrayList<>();
        for (String field : List.of("names", "aliases", "brands", "domains")) {
            request.path("victimProfile").path(field).forEach(v -> values.add(v.asString()));
        }
        assertThat(values).contains(DISTINCT_NAME, DISTINCT_DOMAIN, "ACME Manufacturing K.K.", "acme-mfg.co.jp");
        return values;
    }

    private static void assertNoVictimValue(String html, List<String> values) {
        for (String value : values) {
            assertThat(html.toLowerCase()).as(value).doesNotContain(value.toLowerCase());
        }
        assertThat(html).doesNotContain("Zephyrine").doesNotContain("victimProfile");
    }

    private static HtmlForm requestForm(HtmlPage page) {
        return page.getForms().stream()
                .filter(f -> f.getActionAttribute().endsWith("/console/sharing-reviews/new"))
                .findFirst()
                .orElseThrow();
    }

    private HtmlPage submitRequest(String body) throws Exception {
        HtmlPage form = open("/console/sharing-reviews/new");
        assertThat(form.getWebResponse().getStatusCode()).isEqualTo(200);
        HtmlForm request = requestForm(form);
        request.<HtmlTextArea>getTextAreaByName("request").setText(body);
        return request.getOneHtmlElementByAttribute("button", "type", "submit").click();
    }

    private static String html(HtmlPage page) {
        return page.getWebResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    @Test
    void aRequestPastedIntoTheFormBecomesAReviewShownByDecisionReasonsAndRedactionsWithoutTheVictim() throws Exception {
        ObjectNode request = request();
        List<String> victim = victimValues(request);
        signIn(TestKeys.SUBMITTER_A);

        HtmlPage list = open("/console/sharing-reviews");
        DomElement newLink = list.getElementById("new-review");
        assertThat(newLink).isNotNull();
        assertThat(newLink.getAttribute("href")).isEqualTo("/console/sharing-reviews/new");

        HtmlPage review = submitRequest(request.toString());
        assertThat(review.getUrl().getPath()).matches("/console/sharing-reviews/[0-9a-f-]{36}");
        String id = review.getUrl().getPath().substring("/console/sharing-reviews/".length());
        JsonNode stored = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .get("/v1/sharing-reviews/" + id)
                .json();
        assertThat(stored.path("decision").asString()).isEqualTo("SHARE_AFTER_REDACTION");

        // English: the decision, why, the redactions by kind (removals before rewrites, markings folded).
        assertThat(review.getDocumentElement().getAttribute("lang")).isEqualTo("en");
        assertThat(review.getElementById("decision-value").getTextContent()).isEqualTo("May be shared after redaction");
        assertThat(review.getElementById("tlp").getTextContent())
                .isEqualTo(stored.path("tlp").path("label").asString());
        DomElement why = review.getElementById("why");
        for (JsonNode r : stored.path("results")) {
            if (r.path("outcome").asString().equals("FAIL")) {
                String rid = r.path("recommendationId").asString();
                assertThat(why.getElementsByTagName("a").stream().map(a -> a.getAttribute("href")))
                        .contains("/console/catalog/" + rid);
                assertThat(why.asNormalizedText()).contains(r.path("title").asString());
            }
        }
        DomElement removed = review.getElementById("redactions-REMOVE_OBJECT");
        DomElement replaced = review.getElementById("redactions-REPLACE_TEXT");
        DomElement generalized = review.getElementById("redactions-GENERALIZE_IDENTITY");
        assertThat(removed).isNotNull();
        assertThat(replaced).isNotNull();
        assertThat(generalized).isNotNull();
        assertThat(removed.asNormalizedText()).contains("Objects removed").contains("Account");
        assertThat(replaced.asNormalizedText()).contains("Text replaced").contains("Organization name");
        String page = html(review);
        assertThat(page.indexOf("redactions-REMOVE_OBJECT"))
                .isLessThan(page.indexOf("redactions-REPLACE_TEXT"))
                .isLessThan(page.indexOf("redactions-GENERALIZE_IDENTITY"));
        int marked = 0;
        for (JsonNode r : stored.path("redactions")) {
            if (r.path("action").asString().equals("APPLY_MARKING")) {
                marked += r.path("count").asInt(1);
            }
        }
        assertThat(marked).isGreaterThanOrEqualTo(2);
        DomElement markings = review.getElementById("markings");
        assertThat(markings.getTagName()).isEqualTo("details");
        assertThat(markings.getElementsByTagName("summary").get(0).getTextContent())
                .contains(marked + " objects get the share's TLP marking");
        // Folded: the summary is what shows; the entries are inside.
        assertThat(markings.asNormalizedText()).doesNotContain("/stix/objects/0/object_marking_refs");
        assertThat(markings.getTextContent())
                .contains("/stix/objects/0/object_marking_refs")
                .contains("/stix/objects/1/object_marking_refs");
        assertThat(page.indexOf("id=\"markings\"")).isGreaterThan(page.indexOf("redactions-GENERALIZE_IDENTITY"));
        assertThat(review.getElementById("profile-used")).isNotNull();
        assertThat(review.asNormalizedText()).doesNotContain("sharing.").doesNotContain("??");
        assertNoVictimValue(page, victim);

        // Japanese: the same review in the reader's language, still without the victim.
        HtmlPage ja = open("/console/sharing-reviews/" + id + "?lang=ja");
        assertThat(ja.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        assertThat(ja.getElementById("decision-value").getTextContent()).isEqualTo("秘匿処理のうえで共有できる");
        assertThat(ja.getElementById("redactions-REMOVE_OBJECT").asNormalizedText())
                .contains("削除するオブジェクト");
        assertThat(ja.getElementById("redactions-REPLACE_TEXT").asNormalizedText())
                .contains("組織名");
        assertThat(ja.getElementById("markings").getTextContent())
                .contains("マーキングのみ")
                .contains("TLP マーキングなし");
        JsonNode storedJa = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .get("/v1/sharing-reviews/" + id, "Accept-Language", "ja")
                .json();
        for (JsonNode r : storedJa.path("results")) {
            if (r.path("outcome").asString().equals("FAIL")) {
                assertThat(ja.getElementById("why").asNormalizedText())
                        .contains(r.path("title").asString());
            }
        }
        assertThat(ja.asNormalizedText()).doesNotContain("sharing.");
        assertNoVictimValue(html(ja), victim);

        // The list has it, in both languages, without the victim.
        HtmlPage listed = open("/console/sharing-reviews?lang=en");
        assertThat(listed.getElementById("reviews").getElementsByTagName("a").stream()
                        .map(a -> a.getAttribute("href")))
                .contains("/console/sharing-reviews/" + id);
        assertThat(listed.getElementById("reviews").asNormalizedText()).contains("May be shared after redaction");
        assertNoVictimValue(html(listed), victim);
        HtmlPage listedJa = open("/console/sharing-reviews?lang=ja&decision=SHARE_AFTER_REDACTION");
        assertThat(listedJa.getElementById("reviews").asNormalizedText()).contains("秘匿処理のうえで共有できる");
        assertNoVictimValue(html(listedJa), victim);
        HtmlPage filteredOut = open("/console/sharing-reviews?lang=en&decision=DO_NOT_SHARE");
        assertThat(html(filteredOut)).doesNotContain("/console/sharing-reviews/" + id);

        // The sanitized bundle: a JSON download, the bundle the API gives in the review.
        DomElement link = review.getElementById("bundle");
        assertThat(link.getAttribute("href")).isEqualTo("/console/sharing-reviews/" + id + "/bundle");
        Page download = browser.getPage(url(link.getAttribute("href")));
        WebResponse bundle = download.getWebResponse();
        assertThat(bundle.getStatusCode()).isEqualTo(200);
        assertThat(bundle.getContentType()).isEqualTo("application/json");
        assertThat(bundle.getResponseHeaderValue("Content-Disposition"))
                .startsWith("attachment;")
                .containsPattern("filename=\"[^\"]+\\.json\"");
        String bytes = bundle.getContentAsString(StandardCharsets.UTF_8);
        assertThat(JSON.readTree(bytes)).isEqualTo(stored.path("sanitizedBundle"));
        assertThat(bytes).isEqualTo(JSON.writeValueAsString(stored.path("sanitizedBundle")));
        assertNoVictimValue(bytes, victim);
    }

    @Test
    void everyKeyThePagesBuildFromTheContractsEnumsHasItsTexts() {
        ConsoleMessages messages = new ConsoleMessages();
        List<String> built = new ArrayList<>();
        for (SharingDecision d : SharingDecision.values()) {
            built.add("sharing.decision." + d.getValue());
            built.add("sharing.explain." + d.getValue());
        }
        for (RedactionAction a : RedactionAction.values()) {
            built.add("sharing.action." + a.getValue());
        }
        for (RedactionFinding f : RedactionFinding.values()) {
            built.add("sharing.finding." + f.getValue());
        }
        for (RedistributionScope r : RedistributionScope.values()) {
            built.add("sharing.redistribution." + r.getValue());
        }
        for (Outcome o : Outcome.values()) {
            built.add("outcome." + o.getValue());
        }
        assertThat(messages.keys()).containsAll(built);
    }

    @Test
    void anAuditorReadsEveryReviewButMayNotAskForOneAndAnotherSubmitterSeesNone() throws Exception {
        ObjectNode request = request();
        List<String> victim = victimValues(request);
        // Uploaded as a file this time, the text area left empty.
        Path file = Files.createTempFile("sharing-request", ".json");
        Files.writeString(file, request.toString());
        signIn(TestKeys.SUBMITTER_A);
        HtmlForm upload = requestForm(open("/console/sharing-reviews/new"));
        upload.<HtmlFileInput>getInputByName("file").setFiles(file.toFile());
        HtmlPage uploaded =
                upload.getOneHtmlElementByAttribute("button", "type", "submit").click();
        Files.delete(file);
        assertThat(uploaded.getUrl().getPath()).matches("/console/sharing-reviews/[0-9a-f-]{36}");
        assertThat(uploaded.getElementById("decision-value").getTextContent())
                .isEqualTo("May be shared after redaction");
        String id = uploaded.getUrl().getPath().substring("/console/sharing-reviews/".length());
        assertThat(new Http(port)
                        .as(TestKeys.SUBMITTER_A)
                        .get("/v1/sharing-reviews/" + id)
                        .status())
                .isEqualTo(200);

        browser.getCookieManager().clearCookies();
        signIn(TestKeys.AUDITOR);
        HtmlPage form = open("/console/sharing-reviews/new");
        assertThat(form.getWebResponse().getStatusCode()).isEqualTo(403);
        assertThat(form.asNormalizedText()).contains("Not allowed").doesNotContain("Exception");
        HtmlPage list = open("/console/sharing-reviews");
        assertThat(list.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(list.getElementById("new-review")).isNull();
        assertThat(html(list)).contains("/console/sharing-reviews/" + id);
        assertNoVictimValue(html(list), victim);
        HtmlPage review = open("/console/sharing-reviews/" + id);
        assertThat(review.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(review.asNormalizedText())
                .contains(new Http(port)
                        .as(TestKeys.AUDITOR)
                        .get("/v1/sharing-reviews/" + id)
                        .json()
                        .path("requestDigest")
                        .asString());
        assertNoVictimValue(html(review), victim);

        browser.getCookieManager().clearCookies();
        signIn(TestKeys.SUBMITTER_B);
        assertThat(open("/console/sharing-reviews/" + id).getWebResponse().getStatusCode())
                .isEqualTo(404);
        assertThat(browser.getPage(url("/console/sharing-reviews/" + id + "/bundle"))
                        .getWebResponse()
                        .getStatusCode())
                .isEqualTo(404);
        assertThat(html(open("/console/sharing-reviews"))).doesNotContain(id);

        browser.getCookieManager().clearCookies();
        signIn(TestKeys.RULE_ADMIN);
        assertThat(open("/console/sharing-reviews").getWebResponse().getStatusCode())
                .isEqualTo(403);
    }

    @Test
    void aBadRequestGetsTheApisFieldMessagesOnTheFormAndNothingIsStored() throws Exception {
        signIn(TestKeys.SUBMITTER_A);
        Http api = new Http(port).as(TestKeys.SUBMITTER_A);

        // Not JSON at all.
        String broken = "{\"sharer\": {\"id\": \"console-broken\"}, \"recipients\": [";
        HtmlPage refused = submitRequest(broken);
        assertThat(refused.getWebResponse().getStatusCode()).isEqualTo(400);
        JsonNode problem = api.postJson("/v1/sharing-reviews", broken).json();
        assertThat(problem.path("errors")).isNotEmpty();
        for (JsonNode e : problem.path("errors")) {
            assertThat(refused.getElementById("faults").asNormalizedText())
                    .contains(e.path("detail").asString());
        }
        assertThat(refused.<HtmlTextArea>getHtmlElementById("request").getText())
                .isEqualTo(broken);

        // JSON, but fields the contract refuses, in Japanese.
        String invalid = "{\"sharer\": {\"id\": \"bad id!\"}, \"recipients\": [], \"proposedTlp\": \"PURPLE\"}";
        HtmlPage form = open("/console/sharing-reviews/new?lang=ja");
        HtmlForm requestForm = requestForm(form);
        requestForm.<HtmlTextArea>getTextAreaByName("request").setText(invalid);
        HtmlPage refusedJa = requestForm
                .getOneHtmlElementByAttribute("button", "type", "submit")
                .click();
        assertThat(refusedJa.getWebResponse().getStatusCode()).isEqualTo(400);
        assertThat(refusedJa.getDocumentElement().getAttribute("lang")).isEqualTo("ja");
        JsonNode problemJa = api.postJson("/v1/sharing-reviews", invalid, "Accept-Language", "ja")
                .json();
        assertThat(problemJa.path("errors")).isNotEmpty();
        String faults = refusedJa.getElementById("faults").asNormalizedText();
        for (JsonNode e : problemJa.path("errors")) {
            assertThat(faults)
                    .contains(e.path("pointer").asString())
                    .contains(e.path("detail").asString());
        }

        // A request with a victim profile is not repeated with its profile, not even to its sender.
        String withProfile =
                "{\"sharer\": {\"id\": \"console-left-out\", \"type\": \"NOT_A_TYPE\"}, \"recipients\": [{\"name\": \"JPCERT/CC\"}],"
                        + " \"victimProfile\": {\"names\": [\"" + DISTINCT_NAME + "\"], \"domains\": [\""
                        + DISTINCT_DOMAIN
                        + "\"]}}";
        HtmlPage leftOut = submitRequest(withProfile);
        assertThat(leftOut.getWebResponse().getStatusCode()).isEqualTo(400);
        assertThat(leftOut.getElementById("profile-left-out")).isNotNull();
        assertThat(leftOut.<HtmlTextArea>getHtmlElementById("request").getText())
                .contains("JPCERT/CC")
                .contains("console-left-out");
        assertThat(leftOut.getElementById("faults").asNormalizedText()).contains("/sharer/type");
        assertNoVictimValue(html(leftOut), List.of(DISTINCT_NAME, DISTINCT_DOMAIN));

        // Nothing was stored.
        assertThat(api.get("/v1/sharing-reviews?organizationId=console-left-out")
                        .json()
                        .path("items"))
                .isEmpty();
    }
}
