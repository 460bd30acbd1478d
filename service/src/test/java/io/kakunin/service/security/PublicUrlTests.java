package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.service.KakuninApplication;
import io.kakunin.service.LogCapture;
import io.kakunin.service.RawHttp;
import io.kakunin.service.RulesDirectory;
import io.kakunin.service.TestKeys;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The URLs the service writes name it as configured, never as a caller's {@code Host} header
 * says: a public base URL when one is set, what a trusted proxy forwarded, or else the address the
 * connection arrived at. And what every answer says about itself: no referrer, a content policy,
 * HSTS when callers reach it over https.
 */
class PublicUrlTests {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private static ConfigurableApplicationContext plain;
    private static ConfigurableApplicationContext configured;
    private static ConfigurableApplicationContext proxied;
    private static byte[] assessment;

    @BeforeAll
    static void start() throws Exception {
        assessment = Files.readAllBytes(
                Fixtures.root().resolve("product-security/ps-4.2-shared-default-password-fails/request.json"));
        plain = run();
        configured = run("--kakunin.http.public-base-url=https://kakunin.example.jp/");
        proxied = run("--server.forward-headers-strategy=native");
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context :
                new ConfigurableApplicationContext[] {plain, configured, proxied}) {
            if (context != null) {
                context.close();
            }
        }
    }

    private static ConfigurableApplicationContext run(String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(KakuninApplication.class)
                .profiles("test")
                .run(args.toArray(String[]::new));
    }

    private static RawHttp.Response post(ConfigurableApplicationContext context, String... headers) {
        List<String> lines = new ArrayList<>(List.of(headers));
        lines.add("X-API-Key: " + TestKeys.SUBMITTER_A);
        lines.add("Content-Type: application/json");
        return new RawHttp(RulesDirectory.port(context)).send("POST /v1/assessments HTTP/1.1", lines, assessment);
    }

    private static RawHttp.Response get(ConfigurableApplicationContext context, String path, String... headers) {
        return new RawHttp(RulesDirectory.port(context)).send("GET " + path + " HTTP/1.1", List.of(headers), null);
    }

    @Test
    void aCallersHostHeaderNeverBecomesAUrl() {
        int port = RulesDirectory.port(plain);
        RawHttp.Response created = post(plain, "Host: evil.example", "X-Forwarded-Host: evil.example");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location"))
                .doesNotContain("evil.example")
                .matches("http://(127\\.0\\.0\\.1|\\[0:0:0:0:0:0:0:1\\]):" + port + "/v1/assessments/" + UUID);
        RawHttp.Response config = get(plain, "/v3/api-docs/swagger-config", "Host: evil.example");
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.body()).doesNotContain("evil.example");
        assertThat(created.header("Strict-Transport-Security")).as("plain http").isNull();
    }

    @Test
    void aConfiguredPublicBaseUrlNamesTheServiceEverywhere() {
        RawHttp.Response created = post(configured, "Host: evil.example");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).matches("https://kakunin\\.example\\.jp/v1/assessments/" + UUID);
        assertThat(created.header("Strict-Transport-Security"))
                .as("callers reach it over https, though TLS ends before it")
                .contains("max-age=");
        RawHttp.Response config = get(configured, "/v3/api-docs/swagger-config", "Host: evil.example");
        assertThat(config.json().path("oauth2RedirectUrl").asString())
                .startsWith("https://kakunin.example.jp/swagger-ui/");
    }

    @Test
    void aTrustedProxysForwardedHeadersNameTheService() {
        RawHttp.Response created =
                post(proxied, "Host: internal:8080", "X-Forwarded-Proto: https", "X-Forwarded-Host: proxy.example");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).matches("https://proxy\\.example/v1/assessments/" + UUID);
        assertThat(created.header("Strict-Transport-Security")).contains("max-age=");
    }

    @Test
    void aPublicBaseUrlWithAPathOrWithoutAHostIsRefusedAtStartup() {
        for (String url : List.of("https://example.jp/kakunin", "ftp://example.jp", "https://u:p@example.jp")) {
            assertThatThrownBy(() -> run(java.util.stream.Stream.concat(
                                            LogCapture.failingStart().stream().map(p -> "--" + p),
                                            java.util.stream.Stream.of("--kakunin.http.public-base-url=" + url))
                                    .toArray(String[]::new))
                            .close())
                    .as(url)
                    .hasStackTraceContaining("kakunin.http.public-base-url");
        }
    }

    @Test
    void everyAnswerSendsNoReferrerAndAContentPolicy() {
        for (RawHttp.Response answer : List.of(
                get(plain, "/v1/recommendations", "X-API-Key: " + TestKeys.AUDITOR),
                get(plain, "/v1/recommendations"),
                get(plain, "/actuator/health"),
                get(plain, "/v3/api-docs"))) {
            assertThat(answer.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(answer.header("Content-Security-Policy")).startsWith("default-src 'none'");
        }
        RawHttp.Response ui = get(plain, "/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(ui.header("Content-Security-Policy"))
                .contains("script-src 'self'")
                .contains("connect-src 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-eval");
    }

    @Test
    void theErrorPageAskedForDirectlyIsNotFound() {
        for (String key : new String[] {null, TestKeys.AUDITOR}) {
            RawHttp.Response answer = key == null ? get(plain, "/error") : get(plain, "/error", "X-API-Key: " + key);
            assertThat(answer.status()).as(answer.body()).isEqualTo(404);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void healthDetailsNameTheRevisionNotAServerPath() {
        RawHttp.Response health = get(plain, "/actuator/health", "X-API-Key: " + TestKeys.AUDITOR);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json()
                        .path("components")
                        .path("rules")
                        .path("details")
                        .path("revision")
                        .asString())
                .startsWith("sha256:");
        assertThat(health.body()).doesNotContain(System.getProperty("user.dir")).doesNotContain("\"path\"");
    }
}
