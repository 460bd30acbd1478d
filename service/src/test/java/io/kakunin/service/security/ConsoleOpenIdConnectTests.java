package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kakunin.service.KakuninApplication;
import io.kakunin.service.RulesDirectory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.htmlunit.WebClient;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlAnchor;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Console sign-in by OpenID Connect against a real HTTP identity provider (discovery, authorization,
 * token and key endpoints, served here): the authorization code flow ends in a console session whose
 * caller has exactly the roles the ID token's claims grant on the API, and a token that names none
 * of Kakunin's roles opens nothing.
 */
class ConsoleOpenIdConnectTests {

    private static final String CLIENT = "kakunin-console";

    private static KeyPair keys;
    private static HttpServer identityProvider;
    private static String issuer;
    private static ConfigurableApplicationContext service;
    private static int port;

    /** The roles the next sign-in's ID token names, and the nonce of each code handed out. */
    private static volatile List<String> roles = List.of();

    private static final Map<String, String> NONCES = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        identityProvider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + identityProvider.getAddress().getPort();
        String jwks = new JWKSet(new RSAKey.Builder((RSAPublicKey) keys.getPublic())
                        .keyID("k1")
                        .build())
                .toString();
        String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer
                + "/token\",\"subject_types_supported\":[\"public\"],\"response_types_supported\":[\"code\"],"
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"],\"scopes_supported\":[\"openid\"]}";
        json("/.well-known/openid-configuration", exchange -> discovery);
        json("/jwks", exchange -> jwks);
        identityProvider.createContext("/authorize", ConsoleOpenIdConnectTests::authorize);
        json("/token", ConsoleOpenIdConnectTests::token);
        identityProvider.start();
        service = new SpringApplicationBuilder(KakuninApplication.class)
                .run(
                        "--server.port=0",
                        "--logging.level.root=WARN",
                        "--spring.datasource.url=jdbc:h2:mem:console-oidc-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                        "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer,
                        "--kakunin.security.jwt.audience=kakunin",
                        "--kakunin.console.oidc.client-id=" + CLIENT,
                        "--kakunin.console.oidc.client-secret=s3cret");
        port = RulesDirectory.port(service);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (identityProvider != null) {
            identityProvider.stop(0);
        }
    }

    /** The issuer's authorization endpoint: the person is signed in there already, so it answers with a code. */
    private static void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        assertThat(query).containsEntry("client_id", CLIENT).containsEntry("response_type", "code");
        String code = "code-" + System.nanoTime();
        NONCES.put(code, query.getOrDefault("nonce", ""));
        String back = query.get("redirect_uri") + "?code=" + code + "&state="
                + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Location", back);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    /** The token endpoint: an ID token for the code, signed by the issuer's key, naming {@link #roles}. */
    private static String token(HttpExchange exchange) throws Exception {
        Map<String, String> form = query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String nonce = NONCES.remove(form.get("code"));
        assertThat(nonce).as("a code the issuer handed out, used once").isNotNull();
        Instant now = Instant.now();
        SignedJWT idToken = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                new JWTClaimsSet.Builder()
                        .issuer(issuer)
                        .audience(CLIENT)
                        .subject("hanako")
                        .claim("nonce", nonce)
                        .claim("roles", roles)
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(300)))
                        .build());
        idToken.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
        return "{\"access_token\":\"at-" + System.nanoTime() + "\",\"token_type\":\"Bearer\",\"expires_in\":300,"
                + "\"scope\":\"openid\",\"id_token\":\"" + idToken.serialize() + "\"}";
    }

    interface Body {
        String of(HttpExchange exchange) throws Exception;
    }

    private static void json(String path, Body body) {
        identityProvider.createContext(path, exchange -> {
            try {
                byte[] bytes = body.of(exchange).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (Exception | AssertionError e) {
                e.printStackTrace();
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                values.put(
                        URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static WebClient browser() {
        WebClient browser = new WebClient();
        browser.getOptions().setJavaScriptEnabled(false);
        browser.getOptions().setCssEnabled(false);
        browser.getOptions().setThrowExceptionOnFailingStatusCode(false);
        return browser;
    }

    /**
     * Signs in at the issuer. The console is opened at the address the service builds its own
     * URLs from when no public base URL is configured (the connection's), as the redirect URI
     * the issuer sends the browser back to must reach the same session.
     */
    private static HtmlPage signInWithTheIssuer(WebClient browser) throws Exception {
        HtmlPage signIn = browser.getPage("http://127.0.0.1:" + port + "/console/sign-in");
        HtmlAnchor link = (HtmlAnchor) signIn.getElementById("oidc");
        assertThat(link).as("the sign-in page offers OpenID Connect").isNotNull();
        return link.click();
    }

    @Test
    void aPersonSignsInAtTheIssuerAndHasTheRolesItsTokenGrants() throws Exception {
        roles = List.of("AUDITOR");
        try (WebClient browser = browser()) {
            HtmlPage home = signInWithTheIssuer(browser);
            assertThat(home.getUrl().toString()).as(home.asNormalizedText()).endsWith(port + "/console");
            String nav = home.<DomElement>getFirstByXPath("//nav").asNormalizedText();
            assertThat(nav).contains("Assessments", "Rulesets").doesNotContain("Self-assessment");
            assertThat(home.getElementsByTagName("span").stream().map(DomElement::getTextContent))
                    .as("the caller is the issuer's subject, named as the API names it")
                    .anyMatch(t -> t.contains("hanako"));

            HtmlPage assessments = browser.getPage("http://127.0.0.1:" + port + "/console/assessments");
            assertThat(assessments.getWebResponse().getStatusCode()).isEqualTo(200);
            HtmlPage assess = browser.getPage("http://127.0.0.1:" + port + "/console/assess");
            assertThat(assess.getWebResponse().getStatusCode())
                    .as("an auditor's token does not open the submitter's form")
                    .isEqualTo(403);
        }
    }

    @Test
    void aTokenThatNamesNoRoleOfKakuninsOpensNothing() throws Exception {
        roles = List.of("auditor", "kakunin-admin");
        try (WebClient browser = browser()) {
            HtmlPage home = signInWithTheIssuer(browser);
            assertThat(home.getUrl().getPath()).isEqualTo("/console");
            for (String page : List.of("/console/assessments", "/console/assess", "/console/rulesets")) {
                assertThat(((HtmlPage) browser.getPage("http://127.0.0.1:" + port + page))
                                .getWebResponse()
                                .getStatusCode())
                        .as(page)
                        .isEqualTo(403);
            }
        }
    }

    @Test
    void keysStillSignIn() throws Exception {
        try (WebClient browser = browser()) {
            HtmlPage signIn = browser.getPage("http://127.0.0.1:" + port + "/console/sign-in?lang=ja");
            assertThat(signIn.getElementById("oidc").getTextContent()).isEqualTo("ID プロバイダーでサインイン");
            assertThat(signIn.getElementById("apiKey")).isNotNull();
        }
    }
}
