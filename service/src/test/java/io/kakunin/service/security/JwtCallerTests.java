package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.service.Http;
import io.kakunin.service.KakuninApplication;
import io.kakunin.service.LogCapture;
import io.kakunin.service.RulesDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * JWT bearer tokens, signed with a real key and checked by the running server with only a public
 * key configured: every claim that makes a token valid is required, roles are matched exactly,
 * and two callers never share an identity.
 */
class JwtCallerTests {

    private static final String ISSUER = "https://issuer.example";
    private static final String AUDIENCE = "kakunin";

    @TempDir
    static Path work;

    private static KeyPair issuerKeys;
    private static Path publicKey;
    private static ConfigurableApplicationContext service;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        issuerKeys = generator.generateKeyPair();
        publicKey = work.resolve("issuer.pem");
        Files.writeString(
                publicKey,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes())
                                .encodeToString(issuerKeys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        // A skew of two minutes, so that a token expired 90 s ago passing shows that this skew,
        // not Spring's default of one minute, is the one applied.
        service = run(
                "--kakunin.security.jwt.issuer=" + ISSUER,
                "--kakunin.security.jwt.audience=" + AUDIENCE,
                "--kakunin.security.jwt.clock-skew=120s");
        http = new Http(RulesDirectory.port(service)).as(null);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static String[] concat(String[] first, String... more) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(first), java.util.Arrays.stream(more))
                .toArray(String[]::new);
    }

    private static ConfigurableApplicationContext run(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--logging.level.root=WARN",
                "--spring.datasource.url=jdbc:h2:mem:jwt-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + publicKey.toAbsolutePath()));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(KakuninApplication.class).run(args.toArray(String[]::new));
    }

    /** A token that passes every check, changed by {@code change}. */
    private static String token(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("alice")
                .claim("roles", List.of("AUDITOR"))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
        SignedJWT jwt = new SignedJWT(
                new JWSHeader(JWSAlgorithm.RS256), change.apply(claims).build());
        jwt.sign(new RSASSASigner((RSAPrivateKey) issuerKeys.getPrivate()));
        return jwt.serialize();
    }

    private static Http.Response get(String path, String token) {
        return http.get(path, "Authorization", "Bearer " + token);
    }

    private static void assertRefused(String why, String token) {
        Http.Response refused = get("/v1/assessments", token);
        assertThat(refused.status()).as(why + ": " + refused.body()).isEqualTo(401);
        assertThat(refused.contentType()).as(why).startsWith("application/problem+json");
        assertThat(refused.json().path("status").asInt()).as(why).isEqualTo(401);
    }

    @Test
    void aTokenThatHoldsEverythingRequiredIsAccepted() throws Exception {
        assertThat(get("/v1/assessments", token(c -> c)).status()).isEqualTo(200);
        assertThat(get("/v1/assessments", token(c -> c.audience(List.of("other", AUDIENCE))))
                        .status())
                .as("the audience is one of several")
                .isEqualTo(200);
        Instant now = Instant.now();
        Http.Response late = get(
                "/v1/assessments",
                token(c ->
                        c.issueTime(Date.from(now.minusSeconds(400))).expirationTime(Date.from(now.minusSeconds(90)))));
        assertThat(late.status())
                .as("expired within the configured skew: %s", late.body())
                .isEqualTo(200);
    }

    @Test
    void aTokenMissingOrMisstatingARequiredClaimIsRefused() throws Exception {
        Instant now = Instant.now();
        assertRefused("another issuer", token(c -> c.issuer("https://other.example")));
        assertRefused("an issuer that only starts like ours", token(c -> c.issuer(ISSUER + "/evil")));
        assertRefused("no issuer", token(c -> c.issuer(null)));
        assertRefused("another audience", token(c -> c.audience("other")));
        assertRefused("no audience", token(c -> c.audience((String) null)));
        assertRefused("no expiry", token(c -> c.expirationTime(null)));
        assertRefused(
                "expired beyond the skew",
                token(c -> c.issueTime(Date.from(now.minusSeconds(900)))
                        .expirationTime(Date.from(now.minusSeconds(600)))));
        assertRefused("not yet valid beyond the skew", token(c -> c.notBeforeTime(Date.from(now.plusSeconds(600)))));
        assertRefused(
                "issued ten years ago, still unexpired",
                token(c -> c.issueTime(Date.from(now.minusSeconds(315_360_000L)))
                        .expirationTime(Date.from(now.plusSeconds(300)))));
        assertRefused("issued beyond the skew in the future", token(c -> c.issueTime(Date.from(now.plusSeconds(600)))));
        assertRefused("no subject", token(c -> c.subject(null)));
        assertRefused("an empty subject", token(c -> c.subject("")));
    }

    @Test
    void aRefusalSaysWhyInTheApisTermsNotTheTokenLibrarys() throws Exception {
        String signedByAnother;
        {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader(JWSAlgorithm.RS256),
                    JWTClaimsSet.parse(
                            SignedJWT.parse(token(c -> c)).getJWTClaimsSet().toJSONObject()));
            jwt.sign(
                    new RSASSASigner((RSAPrivateKey) generator.generateKeyPair().getPrivate()));
            signedByAnother = jwt.serialize();
        }
        for (String token :
                List.of("not-a-jwt", "a.b.c", signedByAnother, token(c -> c.issuer("https://other.example")))) {
            String detail = get("/v1/assessments", token).json().path("detail").asString();
            assertThat(detail)
                    .startsWith("The bearer token is not accepted: ")
                    .doesNotContain("An error occurred while attempting to decode")
                    .doesNotContainIgnoringCase("nimbus")
                    .doesNotContain("Exception")
                    .doesNotContain("Signed JWT rejected");
        }
        assertThat(get("/v1/assessments", token(c -> c.issuer("https://other.example")))
                        .json()
                        .path("detail")
                        .asString())
                .contains("iss");
    }

    @Test
    void aRefusedTokenIsIgnoredOnPublicEndpoints() throws Exception {
        for (String ignored : List.of(
                token(c -> c.subject(null)), token(c -> c.audience("other")), token(c -> c.expirationTime(null)))) {
            Http.Response health = get("/actuator/health", ignored);
            assertThat(health.status()).as(health.body()).isEqualTo(200);
            assertThat(health.json().has("components"))
                    .as("answered as anonymous")
                    .isFalse();
        }
    }

    @Test
    void roleNamesAreMatchedExactly() throws Exception {
        assertThat(get("/v1/api-keys", token(c -> c.claim("roles", List.of("ADMIN"))))
                        .status())
                .isEqualTo(200);
        assertThat(get("/v1/api-keys", token(c -> c.claim("roles", List.of("kakunin:ADMIN"))))
                        .status())
                .isEqualTo(200);
        assertThat(get("/v1/api-keys", token(c -> c.claim("roles", "SUBMITTER ADMIN")))
                        .status())
                .as("a space-separated string")
                .isEqualTo(200);
        for (String folded : List.of(
                "admin",
                "Admin",
                "adm\u0131n",
                "ADM\u0130N",
                "kakunin:admin",
                "KAKUNIN:ADMIN",
                " ADMIN\u00a0",
                "\uff21\uff24\uff2d\uff29\uff2e",
                "ROLE_ADMIN")) {
            Http.Response answer = get("/v1/api-keys", token(c -> c.claim("roles", List.of(folded))));
            assertThat(answer.status()).as("'%s' grants nothing", folded).isEqualTo(403);
        }
        assertThat(get(
                                "/v1/assessments",
                                token(c -> c.claim("roles", List.of("rule-admin", "RULE-ADMIN", "Auditor", "auditor"))))
                        .status())
                .as("unknown names are ignored, not refused")
                .isEqualTo(403);
    }

    @Test
    void callersWhoseOldIdentitiesCollidedSeeOnlyTheirOwnRecords() throws Exception {
        String request = Files.readString(
                Fixtures.root().resolve("product-security/ps-4.2-shared-default-password-fails/request.json"));
        String prefix = "x".repeat(200);
        List<String> subjects = List.of(prefix + "-first", prefix + "-second", "bob#x", "bob");
        List<String> ids = new ArrayList<>();
        for (String subject : subjects) {
            String submitter = token(c -> c.subject(subject).claim("roles", List.of("SUBMITTER")));
            Http.Response created = http.postJson("/v1/assessments", request, "Authorization", "Bearer " + submitter);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            ids.add(created.json().path("id").asString());
        }
        for (int i = 0; i < subjects.size(); i++) {
            String subject = subjects.get(i);
            JsonNode items = get(
                            "/v1/assessments", token(c -> c.subject(subject).claim("roles", List.of("SUBMITTER"))))
                    .json()
                    .path("items");
            assertThat(items.size()).as("%s sees one record", subject).isEqualTo(1);
            assertThat(items.get(0).path("id").asString()).as(subject).isEqualTo(ids.get(i));
            String callerId = items.get(0).path("caller").asString();
            assertThat(callerId.length()).isLessThanOrEqualTo(CallerJwtConverter.MAX_ID_LENGTH);
            assertThat(callerId).isEqualTo(CallerJwtConverter.identity(ISSUER, subject));
        }
    }

    @Test
    void identitiesOfDifferentPairsNeverCoincide() {
        assertThat(CallerJwtConverter.identity("A", "bob#x")).isNotEqualTo(CallerJwtConverter.identity("A#bob", "x"));
        assertThat(CallerJwtConverter.identity("A", "bob#x")).isEqualTo("jwt:1:A#bob#x");
        assertThat(CallerJwtConverter.identity("A#bob", "x")).isEqualTo("jwt:5:A#bob#x");
        String prefix = "y".repeat(250);
        assertThat(CallerJwtConverter.identity(prefix + "1", "s"))
                .isNotEqualTo(CallerJwtConverter.identity(prefix + "2", "s"));
        assertThat(CallerJwtConverter.identity("i", prefix + "1"))
                .isNotEqualTo(CallerJwtConverter.identity("i", prefix + "2"));
        // The hashed form: lengths keep the boundary too, and values UTF-8 could not tell apart stay apart.
        String longIssuer = "z".repeat(190);
        assertThat(CallerJwtConverter.identity(longIssuer, "ab"))
                .startsWith("jwt:sha256:")
                .isNotEqualTo(CallerJwtConverter.identity(longIssuer + "a", "b"));
        assertThat(CallerJwtConverter.identity("A", "\ud800")).isNotEqualTo(CallerJwtConverter.identity("A", "\ud801"));
        assertThat(CallerJwtConverter.identity("A", "line\nbreak")).startsWith("jwt:sha256:");
        for (String id :
                List.of(CallerJwtConverter.identity(prefix, prefix), CallerJwtConverter.identity("A", "\u0000"))) {
            assertThat(id).hasSize("jwt:sha256:".length() + 43).matches("jwt:sha256:[A-Za-z0-9_-]{43}");
        }
    }

    @Test
    void theServiceDoesNotStartWithoutAnIssuerAndAnAudienceToCheck() {
        String[] quiet = LogCapture.failingStart().stream().map(p -> "--" + p).toArray(String[]::new);
        assertThatThrownBy(() -> run(concat(quiet, "--kakunin.security.jwt.issuer=" + ISSUER))
                        .close())
                .hasStackTraceContaining("kakunin.security.jwt.audience");
        assertThatThrownBy(() -> run(concat(quiet, "--kakunin.security.jwt.audience=" + AUDIENCE))
                        .close())
                .hasStackTraceContaining("kakunin.security.jwt.issuer");
    }
}
