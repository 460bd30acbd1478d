package io.kakunin.service.console;

import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlPasswordInput;

/**
 * A browser without scripts (HtmlUnit) on the console of a running service, as the page tests use
 * it: it follows redirects, reports failing statuses as pages, and signs in through the sign-in
 * form with an API key, CSRF token and all.
 */
final class ConsoleSession {

    private ConsoleSession() {}

    static WebClient browser() {
        WebClient browser = new WebClient();
        browser.getOptions().setJavaScriptEnabled(false);
        browser.getOptions().setCssEnabled(false);
        browser.getOptions().setThrowExceptionOnFailingStatusCode(false);
        browser.getOptions().setRedirectEnabled(true);
        return browser;
    }

    static HtmlPage open(WebClient browser, int port, String path) throws Exception {
        return browser.getPage("http://localhost:" + port + path);
    }

    /** Signs in with the key through the sign-in form; the page it leads to. */
    static HtmlPage signIn(WebClient browser, int port, String key) throws Exception {
        HtmlPage page = open(browser, port, "/console/sign-in");
        HtmlForm form = page.getForms().stream()
                .filter(f -> f.getActionAttribute().endsWith("/console/sign-in"))
                .findFirst()
                .orElseThrow();
        form.<HtmlPasswordInput>getInputByName("apiKey").type(key);
        return form.getOneHtmlElementByAttribute("button", "type", "submit").click();
    }
}
