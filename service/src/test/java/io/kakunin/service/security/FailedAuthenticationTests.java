package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.service.KakuninApplication;
import io.kakunin.service.RawHttp;
import io.kakunin.service.RulesDirectory;
import io.kakunin.service.TestKeys;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Credentials that do not authenticate are counted, logged sparingly and slowed per address: past
 * the limit an address gets 429 with Retry-After for every request with credentials, while other
 * addresses, and the same address without credentials, are answered as before. The client's
 * address is the connection's, or what a proxy Tomcat trusts says it is; a client cannot name
 * itself another address to escape the limit.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailedAuthenticationTests {

    private static final int LIMIT = 5;
    private static final String WRONG = "kak_wrong_key_0000000000000000000000000000";

    /** Behind a proxy it trusts (loopback, as Tomcat trusts private addresses by default). */
    private static ConfigurableApplicationContext proxied;
    /** Reached directly: X-Forwarded-For is the client's word, and ignored. */
    private static ConfigurableApplicationContext direct;

    @BeforeAll
    static void start() {
        proxied = run("--server.forward-headers-strategy=native");
        direct = run();
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {proxied, direct}) {
            if (context != null) {
                context.close();
            }
        }
    }

    private static ConfigurableApplicationContext run(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--kakunin.security.failed-authentication.limit=" + LIMIT,
                "--kakunin.security.failed-authentication.window=10m"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(KakuninApplication.class)
                .profiles("test")
                .run(args.toArray(String[]::new));
    }

    private static RawHttp.Response get(ConfigurableApplicationContext context, String path, String... headers) {
        return new RawHttp(RulesDirectory.port(context)).send("GET " + path + " HTTP/1.1", List.of(headers), null);
    }

    private static double failures(ConfigurableApplicationContext context) {
        return context.getBean(MeterRegistry.class)
                .get("kakunin.authentication.failures")
                .tag("credentials", "api-key")
                .counter()
                .count();
    }

    @Test
    void anAddressThatFailsTooOftenIsAnswered429AndNoOtherCallerNotices(CapturedOutput output) {
        String attacker = "X-Forwarded-For: 203.0.113.7";
        double before = failures(proxied);
        List<Integer> statuses = new ArrayList<>();
        RawHttp.Response limited = null;
        for (int i = 0; i < LIMIT + 5; i++) {
            RawHttp.Response answer = get(proxied, "/v1/assessments", attacker, "X-API-Key: " + WRONG);
            statuses.add(answer.status());
            if (answer.status() == 429) {
                limited = answer;
            }
        }
        assertThat(statuses.subList(0, LIMIT + 1))
                .as("the failures the limit allows, and the one past it")
                .containsOnly(401);
        assertThat(statuses.subList(LIMIT + 1, statuses.size())).containsOnly(429);
        assertThat(limited.contentType()).startsWith("application/problem+json");
        assertThat(limited.json().path("type").asString())
                .isEqualTo("urn:kakunin:problem:too-many-failed-authentications");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 600);
        assertThat(failures(proxied) - before)
                .as("every failure counted, none of the refused-unread ones")
                .isEqualTo(LIMIT + 1);

        // The limited address: even a valid key waits (its credentials are not looked at) ...
        assertThat(get(proxied, "/v1/recommendations", attacker, "X-API-Key: " + TestKeys.AUDITOR)
                        .status())
                .isEqualTo(429);
        // ... a request without credentials is answered as ever ...
        assertThat(get(proxied, "/v1/recommendations", attacker).status()).isEqualTo(401);
        // ... and a public endpoint answers it as anonymous.
        RawHttp.Response health = get(proxied, "/actuator/health", attacker, "X-API-Key: " + TestKeys.AUDITOR);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().has("components")).isFalse();

        // Another address, valid key: unaffected.
        assertThat(get(
                                proxied,
                                "/v1/recommendations",
                                "X-Forwarded-For: 198.51.100.4",
                                "X-API-Key: " + TestKeys.AUDITOR)
                        .status())
                .isEqualTo(200);

        // Two log lines for the address, whatever the number of failures: the first, and the limit.
        long lines = output.getAll()
                .lines()
                .filter(l -> l.contains("Authentication failed from 203.0.113.7"))
                .count();
        assertThat(lines).isEqualTo(2);
    }

    @Test
    void aClientCannotEscapeTheLimitByNamingAnotherAddress() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < LIMIT + 3; i++) {
            statuses.add(get(direct, "/v1/assessments", "X-Forwarded-For: 192.0.2." + i, "X-API-Key: " + WRONG)
                    .status());
        }
        assertThat(statuses.get(statuses.size() - 1))
                .as("the forwarded addresses of an untrusted client are ignored: %s", statuses)
                .isEqualTo(429);
    }
}
