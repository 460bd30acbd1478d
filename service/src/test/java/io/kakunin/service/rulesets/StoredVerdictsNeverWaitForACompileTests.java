package io.kakunin.service.rulesets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.Http;
import io.kakunin.service.KakuninApplication;
import io.kakunin.service.RulesDirectory;
import io.kakunin.service.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Reading a stored verdict never waits for a compile: its texts come from the revision's files.
 * Re-evaluation, which does need the compiled rules of an earlier revision, compiles them on the
 * loader's executor and waits a bounded time; past it, 503 with Retry-After. The compile is
 * held back by a latch for as long as the test wants, so "a GET during a long compile" is a
 * state the test controls, not a race it hopes to win.
 */
class StoredVerdictsNeverWaitForACompileTests {

    /** A compiler that waits for the test before compiling: a compile as slow as the test needs. */
    static final class HeldBackCompiler extends RevisionCompiler {
        static final CountDownLatch started = new CountDownLatch(1);
        static final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Ruleset compile(RulesetFiles files, String source) {
            started.countDown();
            try {
                if (!release.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the test never released the compile");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return super.compile(files, source);
        }
    }

    @Configuration
    static class HeldBack {
        @Bean
        @Primary
        RevisionCompiler heldBackCompiler() {
            return new HeldBackCompiler();
        }
    }

    @TempDir
    static Path work;

    static RulesDirectory rules;
    static ConfigurableApplicationContext service;
    static Http http;

    @BeforeAll
    static void start() {
        rules = RulesDirectory.export(work.resolve("rules"), name -> name.contains("/scenario-"));
        String[] arguments = Stream.concat(
                        Stream.of(
                                        "server.port=0",
                                        "kakunin.rules.path=" + rules.root().toAbsolutePath(),
                                        "kakunin.rules.watch=false",
                                        "kakunin.rules.compiled-revisions-kept=0",
                                        "kakunin.rules.recompile-wait=300ms",
                                        "kakunin.rules.coverage-min=0",
                                        "spring.datasource.url=jdbc:h2:mem:held-back-" + java.util.UUID.randomUUID()
                                                + ";DB_CLOSE_DELAY=-1",
                                        "logging.level.root=WARN")
                                .map(p -> "--" + p),
                        TestKeys.arguments().stream())
                .toArray(String[]::new);
        service = new SpringApplicationBuilder(KakuninApplication.class, HeldBack.class).run(arguments);
        http = new Http(RulesDirectory.port(service));
    }

    @AfterAll
    static void stop() {
        HeldBackCompiler.release.countDown();
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aStoredVerdictIsReadInAnotherLanguageWhileItsRevisionCompilesAndReEvaluationIsToldToRetry() throws Exception {
        String request = Files.readString(Fixtures.root()
                .resolve("product-security/empty-organization-and-product-needs-information/request.json"));
        Http.Response created = http.postJson("/v1/assessments", request, "Accept-Language", "en");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        String decidedBy = created.json().path("ruleset").path("revision").asString();

        // Another revision becomes active; with no earlier revision kept compiled, the first one
        // exists only in the store.
        rules.replace(
                "messages_en.properties",
                "PS-4.2.title=No default password shared across devices",
                "PS-4.2.title=No default password shared across devices (edited)");
        Http.Response reload = http.send("POST", "/v1/rulesets/reload", null, null);
        assertThat(reload.status()).as(reload.body()).isEqualTo(200);
        assertThat(reload.json().path("revision").asString()).isNotEqualTo(decidedBy);

        // Re-evaluation needs the compiled rules: the compile starts and is held back; the
        // request waits its bounded time and is told to retry.
        Http.Response busy = http.get("/v1/assessments/" + id + "/reevaluation");
        assertThat(HeldBackCompiler.started.await(1, TimeUnit.MINUTES))
                .as("the earlier revision is being compiled")
                .isTrue();
        assertThat(busy.status()).as(busy.body()).isEqualTo(503);
        assertThat(busy.header("Retry-After")).isNotBlank();
        assertThat(busy.json().path("detail").asString()).contains(decidedBy);

        // Meanwhile the stored verdict is read, in Japanese, with the texts of the revision
        // that decided it, while the compile is still held back.
        Http.Response read = http.get("/v1/assessments/" + id, "Accept-Language", "ja");
        assertThat(HeldBackCompiler.release.getCount())
                .as("the compile is still held back")
                .isEqualTo(1);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().path("locale").asString()).isEqualTo("ja");
        assertThat(read.json().path("ruleset").path("revision").asString()).isEqualTo(decidedBy);
        assertThat(read.json().path("ruleset").path("available").asBoolean()).isTrue();
        String title = read.json().path("results").findValues("title").get(0).asString();
        assertThat(title).as("a Japanese title").matches(".*[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}].*");
        Http.Response english = http.get("/v1/assessments/" + id, "Accept-Language", "en");
        assertThat(english.body())
                .contains("No default password shared across devices\"")
                .doesNotContain("(edited)");

        // Once compiled, re-evaluation answers, and the verdict is the one stored.
        HeldBackCompiler.release.countDown();
        // (No revision is kept compiled here, so each re-evaluation compiles again: keep the answer that came.)
        java.util.concurrent.atomic.AtomicReference<Http.Response> again =
                new java.util.concurrent.atomic.AtomicReference<>();
        await("the earlier revision compiled")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    again.set(http.get("/v1/assessments/" + id + "/reevaluation"));
                    return again.get().status() == 200;
                });
        assertThat(again.get().json().path("identical").asBoolean())
                .as(again.get().body())
                .isTrue();
    }
}
