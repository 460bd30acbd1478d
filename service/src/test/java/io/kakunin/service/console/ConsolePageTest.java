package io.kakunin.service.console;

import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every console page test starts from: the running server's port and a fresh browser
 * without scripts ({@link ConsoleSession}) per test, to open pages and sign in with.
 */
abstract class ConsolePageTest {

    @LocalServerPort
    int port;

    WebClient browser;

    @BeforeEach
    void openABrowser() {
        browser = ConsoleSession.browser();
    }

    @AfterEach
    void closeTheBrowser() {
        browser.close();
    }

    HtmlPage open(String path) throws Exception {
        return ConsoleSession.open(browser, port, path);
    }

    HtmlPage signIn(String key) throws Exception {
        return ConsoleSession.signIn(browser, port, key);
    }
}
