package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.service.Http;
import io.kakunin.service.KakuninApplication;
import io.kakunin.service.RulesDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** A fresh installation is administrable, and tokens of a configured issuer map to the same roles. */
@ExtendWith(OutputCaptureExtension.class)
class BootstrapAndJwtTests {

    private static final Pattern LOGGED_KEY = Pattern.compile("^\\s+(kak_[A-Za-z0-9_-]{43})\\s*$", Pattern.MULTILINE);

    @TempDir
    Path work;

    private static ConfigurableApplicationContext start(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--logging.level.root=WARN"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(KakuninApplication.class).run(args.toArray(String[]::new));
    }

    @Test
    void theFirstStartWithoutKeysLogsAnAdministratorKeyOnceAndNothingIsOpen(CapturedOutput output) {
        String database =
                "--spring.datasource.url=jdbc:h2:file:" + work.resolve("db").toAbsolutePath();
        String key;
        try (ConfigurableApplicationContext service = start(database)) {
            Matcher logged = LOGGED_KEY.matcher(output.getOut());
            assertThat(logged.find()).as("the administrator key is in the log").isTrue();
            key = logged.group(1);
            assertThat(logged.find()).as("shown once").isFalse();
            Http http = new Http(RulesDirectory.port(service));
            assertThat(http.as(null).get("/v1/recommendations").status()).isEqualTo(401);
            assertThat(http.as(key).get("/v1/api-keys").status()).isEqualTo(200);
            assertThat(http.as(key).get("/v1/assessments").status())
                    .as("it holds every role, so that it can grant every role")
                    .isEqualTo(200);
            assertThat(http.as(key)
                            .get("/v1/api-keys")
                            .json()
                            .path("items")
                            .get(0)
                            .path("roles")
                            .toString())
                    .isEqualTo("[\"SUBMITTER\",\"AUDITOR\",\"RULE_ADMIN\",\"ADMIN\",\"RISK_OWNER\"]");
        }
        int before = output.getOut().length();
        try (ConfigurableApplicationContext again = start(database)) {
            assertThat(LOGGED_KEY.matcher(output.getOut().substring(before)).find())
                    .as("a key exists: no new one")
                    .isFalse();
            assertThat(new Http(RulesDirectory.port(again))
                            .as(key)
                            .get("/v1/api-keys")
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void bearerTokensOfTheConfiguredIssuerCarryRoles() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair issuer = generator.generateKeyPair();
        KeyPair stranger = generator.generateKeyPair();
        Path publicKey = work.resolve("issuer.pem");
        Files.writeString(
                publicKey,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes())
                                .encodeToString(issuer.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        String request = Files.readString(
                Fixtures.root().resolve("product-security/ps-4.2-shared-default-password-fails/request.json"));

        try (ConfigurableApplicationContext service = start(
                "--spring.datasource.url=jdbc:h2:mem:jwt;DB_CLOSE_DELAY=-1",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + publicKey.toAbsolutePath(),
                "--kakunin.security.jwt.issuer=https://issuer.example",
                "--kakunin.security.jwt.audience=kakunin")) {
            Http http = new Http(RulesDirectory.port(service)).as(null);
            String submitter =
                    token(issuer, "alice", List.of("SUBMITTER"), Instant.now().plusSeconds(300));
            Http.Response created = http.postJson("/v1/assessments", request, "Authorization", "Bearer " + submitter);
            assertThat(created.status()).as(created.body()).isEqualTo(201);

            String auditor = token(
                    issuer, "bob", List.of("kakunin:AUDITOR"), Instant.now().plusSeconds(300));
            Http.Response listed = http.get("/v1/assessments", "Authorization", "Bearer " + auditor);
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.json().path("items").get(0).path("caller").asString())
                    .isEqualTo("jwt:22:https://issuer.example#alice");

            String nobody =
                    token(issuer, "carol", List.of("READER"), Instant.now().plusSeconds(300));
            assertThat(http.get("/v1/assessments", "Authorization", "Bearer " + nobody)
                            .status())
                    .isEqualTo(403);

            String expired =
                    token(issuer, "alice", List.of("SUBMITTER"), Instant.now().minusSeconds(600));
            Http.Response late = http.get("/v1/assessments", "Authorization", "Bearer " + expired);
            assertThat(late.status()).isEqualTo(401);
            assertThat(late.contentType()).startsWith("application/problem+json");

            String forged =
                    token(stranger, "mallory", List.of("AUDITOR"), Instant.now().plusSeconds(300));
            assertThat(http.get("/v1/assessments", "Authorization", "Bearer " + forged)
                            .status())
                    .isEqualTo(401);
            assertThat(http.get("/v1/assessments").header("WWW-Authenticate")).contains("Bearer");

            // Health is public: a token that does not authenticate is ignored there, a valid one still counts.
            for (String ignored : List.of(forged, expired, "not.a.token")) {
                Http.Response health = http.get("/actuator/health", "Authorization", "Bearer " + ignored);
                assertThat(health.status()).as(health.body()).isEqualTo(200);
                assertThat(health.json().has("components")).isFalse();
            }
            Http.Response details = http.get("/actuator/health", "Authorization", "Bearer " + auditor);
            assertThat(details.status()).isEqualTo(200);
            assertThat(details.json()
                            .path("components")
                            .path("rules")
                            .path("details")
                            .path("revision")
                            .asString())
                    .startsWith("sha256:");
        }
    }

    private static String token(KeyPair keys, String subject, List<String> roles, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader(JWSAlgorithm.RS256),
                new JWTClaimsSet.Builder()
                        .issuer("https://issuer.example")
                        .audience("kakunin")
                        .subject(subject)
                        .claim("roles", roles)
                        .issueTime(Date.from(expires.minusSeconds(900)))
                        .expirationTime(Date.from(expires))
                        .build());
        jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
        return jwt.serialize();
    }
}
