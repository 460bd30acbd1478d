package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Role;
import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.net.URL;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebClient;
import org.htmlunit.WebRequest;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlPasswordInput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The console's role matrix, walked through its pages: for every row of {@link AccessRules#CONSOLE}
 * and every role, a signed-in session of that role gets the console's 403 page exactly when the row
 * does not name the role. The same table configures the filter chain, so what this walks is what
 * is enforced; a page answering 404 for a role the row allows is still "let through".
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleAccessMatrixTests {

    @LocalServerPort
    int port;

    final Map<Role, WebClient> sessions = new EnumMap<>(Role.class);
    String assessmentId;

    @BeforeAll
    void signInEachRole() throws Exception {
        Map<Role, String> keys = Map.of(
                Role.SUBMITTER, TestKeys.SUBMITTER_A,
                Role.AUDITOR, TestKeys.AUDITOR,
                Role.RULE_ADMIN, TestKeys.RULE_ADMIN,
                Role.ADMIN, TestKeys.ADMIN,
                Role.RISK_OWNER, TestKeys.RISK_OWNER);
        for (Role role : Role.values()) {
            WebClient browser = new WebClient();
            browser.getOptions().setJavaScriptEnabled(false);
            browser.getOptions().setCssEnabled(false);
            browser.getOptions().setThrowExceptionOnFailingStatusCode(false);
            HtmlPage page = browser.getPage("http://localhost:" + port + "/console/sign-in");
            HtmlForm form = page.getForms().get(page.getForms().size() - 1);
            form.<HtmlPasswordInput>getInputByName("apiKey").type(keys.get(role));
            HtmlPage home = form.getOneHtmlElementByAttribute("button", "type", "submit")
                    .click();
            assertThat(home.getUrl().getPath()).as(role + " signs in").isEqualTo("/console");
            sessions.put(role, browser);
        }
        assessmentId = new Http(port)
                .as(TestKeys.SUBMITTER_A)
                .postJson("/v1/assessments", "{\"organization\":{\"id\":\"matrix\"},\"products\":[{}]}")
                .json()
                .path("id")
                .asString();
    }

    @AfterAll
    void close() {
        sessions.values().forEach(WebClient::close);
    }

    /** A concrete address for a pattern of the table. */
    String concrete(String pattern) {
        return pattern.replace("/**", "/anything")
                .replace("assessments/*", "assessments/" + assessmentId)
                .replace("sharing-reviews/*", "sharing-reviews/00000000-0000-7000-8000-000000000000")
                .replace("/*", "/x");
    }

    @Test
    void everyRowOfTheConsoleTableIsEnforcedForEveryRole() throws Exception {
        List<String> walked = new ArrayList<>();
        for (AccessRules.Rule rule : AccessRules.CONSOLE) {
            for (String pattern : rule.paths()) {
                String path = concrete(pattern);
                for (Role role : Role.values()) {
                    // A row without a method covers every method: walk it with GET (reads) and POST (forms).
                    for (HttpMethod method : rule.method() == null
                            ? List.of(HttpMethod.GET, HttpMethod.POST)
                            : List.of(HttpMethod.valueOf(rule.method().name()))) {
                        WebClient browser = sessions.get(role);
                        WebRequest request =
                                new WebRequest(new URL("http://localhost:" + port + path + "?lang=en"), method);
                        if (method == HttpMethod.POST) {
                            request.setRequestParameters(
                                    List.of(new org.htmlunit.util.NameValuePair("_csrf", csrf(browser))));
                        }
                        Page answer = browser.getPage(request);
                        int status = answer.getWebResponse().getStatusCode();
                        String where = method + " " + path + " as " + role;
                        if (rule.roles().contains(role)) {
                            assertThat(status).as(where).isNotEqualTo(403);
                            assertThat(answer.getUrl().getPath()).as(where).isNotEqualTo("/console/sign-in");
                        } else {
                            assertThat(status).as(where).isEqualTo(403);
                            assertThat(answer.getWebResponse().getContentAsString())
                                    .as(where)
                                    .contains("Not allowed");
                        }
                        walked.add(where);
                    }
                }
            }
        }
        assertThat(walked).hasSizeGreaterThan(60);
    }

    @Test
    void withoutASessionEveryConsolePageLeadsToSignIn() throws Exception {
        try (WebClient anonymous = new WebClient()) {
            anonymous.getOptions().setJavaScriptEnabled(false);
            anonymous.getOptions().setThrowExceptionOnFailingStatusCode(false);
            for (AccessRules.Rule rule : AccessRules.CONSOLE) {
                for (String pattern : rule.paths()) {
                    Page answer = anonymous.getPage("http://localhost:" + port + concrete(pattern));
                    assertThat(answer.getUrl().getPath()).as(pattern).isEqualTo("/console/sign-in");
                }
            }
        }
    }

    /** The session's CSRF token, as every console form carries it. */
    private String csrf(WebClient browser) throws Exception {
        HtmlPage home = browser.getPage("http://localhost:" + port + "/console");
        return home.getForms().stream()
                .flatMap(f -> f.getInputsByName("_csrf").stream())
                .findFirst()
                .orElseThrow()
                .getValueAttribute();
    }
}
