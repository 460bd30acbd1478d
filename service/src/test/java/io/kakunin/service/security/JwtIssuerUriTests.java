package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.kakunin.service.Http;
import io.kakunin.service.KakuninApplication;
import io.kakunin.service.RulesDirectory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Tokens configured by issuer URI alone (keys found through the issuer's discovery document,
 * served here by a real HTTP server) are checked as strictly as with a public key: the issuer is
 * the URI, and the audience, expiry and subject are required.
 */
class JwtIssuerUriTests {

    private static final String AUDIENCE = "kakunin";

    private static KeyPair keys;
    private static HttpServer identityProvider;
    private static String issuer;
    private static ConfigurableApplicationContext service;
    private static Http http;

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
        String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer
                + "/jwks\",\"subject_types_supported\":[\"public\"],"
                + "\"response_types_supported\":[\"code\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
        serve("/.well-known/openid-configuration", discovery);
        serve("/jwks", jwks);
        identityProvider.start();
        service = run("--kakunin.security.jwt.audience=" + AUDIENCE);
        http = new Http(RulesDirectory.port(service)).as(null);
    }

    private static void serve(String path, String json) {
        identityProvider.createContext(path, exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
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

    private static ConfigurableApplicationContext run(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--server.port=0",
                "--logging.level.root=WARN",
                "--spring.datasource.url=jdbc:h2:mem:jwt-uri-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(KakuninApplication.class).run(args.toArray(String[]::new));
    }

    private static int status(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(AUDIENCE)
                .subject("alice")
                .claim("roles", List.of("AUDITOR"))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                change.apply(claims).build());
        jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
        Http.Response answer = http.get("/v1/assessments", "Authorization", "Bearer " + jwt.serialize());
        if (answer.status() == 401) {
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        return answer.status();
    }

    @Test
    void everyClaimIsCheckedAsWithAPublicKey() throws Exception {
        assertThat(status(c -> c)).isEqualTo(200);
        assertThat(status(c -> c.issuer("https://other.example")))
                .as("another issuer")
                .isEqualTo(401);
        assertThat(status(c -> c.issuer(null))).as("no issuer").isEqualTo(401);
        assertThat(status(c -> c.audience("other"))).as("another audience").isEqualTo(401);
        assertThat(status(c -> c.audience((String) null))).as("no audience").isEqualTo(401);
        assertThat(status(c -> c.expirationTime(null))).as("no expiry").isEqualTo(401);
        assertThat(status(c -> c.subject(null))).as("no subject").isEqualTo(401);
        assertThat(status(c -> c.claim("roles", List.of("auditor"))))
                .as("a case-folded role")
                .isEqualTo(403);
    }

    @Test
    void anIssuerThatContradictsTheIssuerUriStopsTheStart() {
        List<String> arguments = new java.util.ArrayList<>(List.of(
                "--kakunin.security.jwt.audience=" + AUDIENCE, "--kakunin.security.jwt.issuer=https://other.example"));
        io.kakunin.service.LogCapture.failingStart().forEach(p -> arguments.add("--" + p));
        assertThatThrownBy(() -> run(arguments.toArray(String[]::new)).close())
                .hasStackTraceContaining("name different issuers");
    }
}
