package io.kakunin.service.rulesets;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.Http;
import io.kakunin.service.KakuninApplication;
import io.kakunin.service.RulesDirectory;
import io.kakunin.service.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Publishing by switching a symbolic link, as the guide says: the service is started on
 * {@code live}, a link to {@code release-1}; the next release is prepared beside it and
 * {@code ln -sfn release-2 live} makes it the one served. Each test starts with the link on
 * {@code release-1}, as exported, and prepares releases of its own.
 */
class RulesetLinkPublishingTests {

    @TempDir
    static Path work;

    static Path live;
    static RulesDirectory first;
    /** The rules as exported, which the first release holds when each test starts. */
    static Path original;

    static ConfigurableApplicationContext service;
    static Http http;

    @BeforeAll
    static void startOnALinkToTheFirstRelease() throws IOException {
        first = RulesDirectory.export(work.resolve("release-1"), name -> name.contains("/scenario-"));
        original = RulesDirectory.export(work.resolve("original"), name -> name.contains("/scenario-"))
                .root();
        live = Files.createSymbolicLink(work.resolve("live"), Path.of("release-1"));
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--kakunin.rules.path=" + live,
                "--kakunin.rules.watch-quiet-period=200ms",
                // Only the scenario fixtures: the links are the point here, coverage is PublicationGateParityTests'.
                "--kakunin.rules.coverage-min=0",
                "--spring.datasource.url=jdbc:h2:mem:link-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--logging.level.root=WARN"));
        arguments.addAll(TestKeys.arguments());
        service = new SpringApplicationBuilder(KakuninApplication.class).run(arguments.toArray(String[]::new));
        http = new Http(RulesDirectory.port(service));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @BeforeEach
    void startOnTheFirstRelease() throws IOException {
        first.revertTo(original);
        if (!Files.readSymbolicLink(live).equals(Path.of("release-1"))) {
            switchTo("release-1");
        }
        RulesDirectory.awaitActive(
                http,
                a -> a.path("revision").asString().equals(Ruleset.builtIn().revision())
                        && a.path("path").asString().endsWith("release-1"),
                Duration.ofSeconds(60));
    }

    /** {@code ln -sfn <release> live}: the link is removed and made again, not replaced atomically. */
    private static void switchTo(String release) throws IOException {
        Files.delete(live);
        Files.createSymbolicLink(live, Path.of(release));
    }

    private static String release(String name, String from, String to) throws IOException {
        Path dir = work.resolve(name);
        RulesDirectory.export(dir, n -> n.contains("/scenario-"));
        Path messages = dir.resolve("messages_en.properties");
        String text = Files.readString(messages);
        assertThat(text).contains(from);
        Files.writeString(messages, text.replace(from, to));
        return RulesetFiles.fromDirectory(dir).revision();
    }

    @Test
    void theServiceServesTheReleaseTheLinkLeadsTo() {
        JsonNode active = http.get("/v1/rulesets/active").json();
        assertThat(active.path("revision").asString())
                .as("not the digest of an empty folder")
                .isEqualTo(Ruleset.builtIn().revision());
        assertThat(active.path("recommendationCount").asInt())
                .isEqualTo(Ruleset.builtIn().catalog().entries().size());
        assertThat(active.path("fixtureCount").asInt())
                .as("the fixtures behind the link ran")
                .isPositive();
        assertThat(active.path("path").asString())
                .as("where it lies, for a RULE_ADMIN")
                .isEqualTo(live + " -> " + work.resolve("release-1").toAbsolutePath());
        assertThat(active.path("source").asString())
                .as("the operator's label, for everyone")
                .isEqualTo("rules directory");
        assertThat(active.path("watching").asBoolean()).isTrue();
    }

    @Test
    void switchingTheLinkToAnotherReleaseActivatesIt() throws IOException {
        String second = release(
                "release-2",
                "PS-4.2.title=No default password shared across devices",
                "PS-4.2.title=No default password shared among devices");
        switchTo("release-2");
        Duration took = RulesDirectory.awaitActive(
                http, a -> a.path("revision").asString().equals(second), Duration.ofSeconds(60));
        System.out.printf("[measure] link switched to active revision: %d ms%n", took.toMillis());
        JsonNode active = http.get("/v1/rulesets/active").json();
        assertThat(active.path("path").asString()).endsWith("release-2");
        assertThat(active.path("watching").asBoolean()).isTrue();
        JsonNode event = http.get("/v1/rulesets?limit=1").json().path("items").get(0);
        assertThat(event.path("trigger").asString()).isEqualTo("WATCH");
        assertThat(event.path("outcome").asString()).isEqualTo("ACTIVATED");
        assertThat(http.postJson(
                                "/v1/assessments",
                                "{\"organization\":{\"id\":\"acme\"},\"products\":[{\"defaultPasswordPolicy\":\"SHARED\"}]}")
                        .body())
                .contains("No default password shared among devices");
    }

    @Test
    void theReleaseTheLinkLeadsToIsWatched() throws IOException {
        String third = release(
                "release-3",
                "PS-4.2.title=No default password shared across devices",
                "PS-4.2.title=No default password shared among devices");
        switchTo("release-3");
        RulesDirectory.awaitActive(http, a -> a.path("revision").asString().equals(third), Duration.ofSeconds(60));

        Path messages = work.resolve("release-3/messages_en.properties");
        Files.writeString(
                messages, Files.readString(messages).replace("shared among devices", "shared between devices"));
        String edited = RulesetFiles.fromDirectory(live).revision();
        RulesDirectory.awaitActive(http, a -> a.path("revision").asString().equals(edited), Duration.ofSeconds(60));

        // The release no longer served is not watched: an edit there changes nothing.
        Path old = work.resolve("release-1/messages_en.properties");
        Files.writeString(old, Files.readString(old) + "\n# edited after it was replaced\n");
        assertThat(http.send("POST", "/v1/rulesets/reload", null, null)
                        .json()
                        .path("outcome")
                        .asString())
                .isEqualTo("UNCHANGED");
        assertThat(http.get("/v1/rulesets/active").json().path("revision").asString())
                .isEqualTo(edited);
    }

    @Test
    void switchingBackActivatesTheFirstReleaseAgain() throws IOException {
        String fourth = release(
                "release-4",
                "PS-4.2.title=No default password shared across devices",
                "PS-4.2.title=No default password shared by two devices");
        switchTo("release-4");
        RulesDirectory.awaitActive(http, a -> a.path("revision").asString().equals(fourth), Duration.ofSeconds(60));

        switchTo("release-1");
        String revision = first.revision();
        RulesDirectory.awaitActive(http, a -> a.path("revision").asString().equals(revision), Duration.ofSeconds(60));
        assertThat(http.get("/v1/rulesets/active").json().path("path").asString())
                .endsWith("release-1");
    }
}
