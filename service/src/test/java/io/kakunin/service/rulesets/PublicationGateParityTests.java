package io.kakunin.service.rulesets;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.cli.Kakunin;
import io.kakunin.service.Http;
import io.kakunin.service.RulesDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * One publication gate: the same broken rules directories are refused by the officers'
 * {@code kakunin test} and by the service (a reload of its rules directory), for the same
 * reasons, located at the same file, line and column.
 */
class PublicationGateParityTests {

    @TempDir
    static Path work;

    static RulesDirectory rules;
    static Path original;
    static ConfigurableApplicationContext service;
    static Http http;

    @BeforeAll
    static void start() {
        // Every shipped fixture, and the default policy on both sides: every rule's decision asserted.
        rules = RulesDirectory.export(work.resolve("rules"), name -> true);
        original = RulesDirectory.export(work.resolve("original"), name -> true).root();
        service = rules.start("kakunin.rules.watch=false", "kakunin.rules.coverage-min=100");
        http = new Http(RulesDirectory.port(service));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    static Stream<Arguments> brokenDirectories() {
        return Stream.of(
                Arguments.of("no fixtures", (Consumer<RulesDirectory>)
                        r -> delete(r.root().resolve("fixtures"))),
                Arguments.of("a failing fixture", (Consumer<RulesDirectory>) r -> r.replace(
                        "product/policy.drl",
                        "productSecurityPolicy.approvedBy in (PolicyApprover.MANAGER, PolicyApprover.NONE)",
                        "productSecurityPolicy.approvedBy in (PolicyApprover.NONE)")),
                Arguments.of("coverage under the threshold", (Consumer<RulesDirectory>)
                        r -> delete(r.root().resolve("fixtures/information-sharing"))),
                Arguments.of("an unknown remedy", (Consumer<RulesDirectory>)
                        r -> r.replace("sharing/nda.drl", "@remedy(\"CONSENT\")", "@remedy(\"REDCT\")")),
                Arguments.of("a tunable number in a rule", (Consumer<RulesDirectory>) r -> r.replace(
                        "product/after-shipment.drl",
                        "monitoringIntervalDays > $max )",
                        "monitoringIntervalDays > 30 )")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenDirectories")
    void theCommandLineAndTheServiceRefuseTheSameDirectoryForTheSameReasons(
            String name, Consumer<RulesDirectory> breakIt) {
        rules.revertTo(original);
        breakIt.accept(rules);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Kakunin(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        rules.root().getParent())
                .run("test", rules.root().getFileName().toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("kakunin test on %s\n%s\n%s", name, printed, err).isEqualTo(Kakunin.FAILED);

        Http.Response reload = http.send("POST", "/v1/rulesets/reload", null, null);
        assertThat(reload.status())
                .as("the service on %s: %s", name, reload.body())
                .isEqualTo(422);
        JsonNode diagnostics = reload.json().path("diagnostics");
        assertThat(diagnostics.isEmpty()).isFalse();

        // Every error the service names is printed by the command line, at the same place and in the
        // same words, as a compiler line; a fixture whose verdict differs under its FAIL line.
        Set<String> service = new TreeSet<>();
        Set<String> commandLine = new TreeSet<>();
        for (JsonNode d : diagnostics) {
            if (!d.path("severity").asString().equals("ERROR")) {
                continue;
            }
            String file = d.path("file").asString();
            String shown = (rules.root().getFileName() + "/" + file).replaceAll("/+$", "");
            String line = shown + ":" + d.path("line").asInt() + ":"
                    + d.path("column").asInt() + ": error: "
                    + d.path("message").asString();
            service.add(line);
            commandLine.add(printed.lines().anyMatch(l -> l.equals(line)) ? line : "missing: " + line);
            if (file.endsWith("/expected.json")) {
                String fixture = file.substring("fixtures/".length(), file.length() - "/expected.json".length());
                assertThat(d.path("line").asInt())
                        .as("the line of the difference in %s", file)
                        .isPositive();
                assertThat(printed).contains("FAIL " + fixture + System.lineSeparator());
            }
        }
        assertThat(commandLine)
                .as("what kakunin test printed for %s:\n%s", name, printed)
                .isEqualTo(service);
    }

    static Stream<io.kakunin.fixtures.HostileRules.Hostile> hostileRules() {
        return io.kakunin.fixtures.HostileRules.corpus().stream();
    }

    /**
     * A rule file that would act (start a process, write a file, reflect, …) put into the served
     * directory is refused by the reload exactly as {@code kakunin check} refuses it, and nothing
     * of it runs on either side: the canary file it would write is never created.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRules")
    void aHostileRuleFileIsRefusedByTheCommandLineAndTheServiceAlikeAndNothingOfItRuns(
            io.kakunin.fixtures.HostileRules.Hostile hostile) {
        rules.revertTo(original);
        Path canary = work.resolve("canary-" + hostile.file());
        String text = hostile.text(canary);
        rules.write(hostile.target(), text);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new Kakunin(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        rules.root().getParent())
                .run("check", rules.root().getFileName().toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isEqualTo(Kakunin.FAILED);

        Http.Response reload = http.send("POST", "/v1/rulesets/reload", null, null);
        assertThat(reload.status()).as(reload.body()).isEqualTo(422);
        Set<String> service = new TreeSet<>();
        for (JsonNode d : reload.json().path("diagnostics")) {
            if (d.path("severity").asString().equals("ERROR")) {
                service.add(rules.root().getFileName() + "/" + d.path("file").asString() + ":"
                        + d.path("line").asInt() + ":" + d.path("column").asInt() + ": error: "
                        + d.path("message").asString());
            }
        }
        Set<String> commandLine = new TreeSet<>(
                printed.lines().filter(l -> l.contains(": error: ")).toList());
        assertThat(service).as("the reload's refusal").isNotEmpty().isEqualTo(commandLine);
        assertThat(service)
                .anyMatch(l -> l.startsWith(
                        rules.root().getFileName() + "/" + hostile.target() + ":" + hostile.expectedAt(text) + ":"));
        assertThat(canary).as("nothing of it ran").doesNotExist();
    }

    @org.junit.jupiter.api.Test
    void anUploadWithAnUnknownRemedyIsRefusedAtItsLineAndColumn() {
        rules.revertTo(original);
        assertThat(http.send("POST", "/v1/rulesets/reload", null, null).status())
                .isEqualTo(200);
        String nda = rules.read("sharing/nda.drl").replace("@remedy(\"CONSENT\")", "@remedy(\"REDCT\")");
        int line = rules.lineOf("sharing/nda.drl", "@remedy(\"CONSENT\")");
        int column = nda.lines().skip(line - 1).findFirst().orElseThrow().indexOf("@remedy(\"REDCT\")") + 1;
        tools.jackson.databind.node.ObjectNode body =
                tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode();
        body.put("base", "ACTIVE");
        body.putArray("files").addObject().put("path", "sharing/nda.drl").put("content", nda);
        Http.Response report = http.postJson("/v1/rulesets/validate", body.toString());
        assertThat(report.status()).as(report.body()).isEqualTo(200);
        assertThat(report.json().path("valid").asBoolean()).isFalse();
        int found = 0;
        for (JsonNode d : report.json().path("diagnostics")) {
            if (d.path("file").asString().equals("sharing/nda.drl")
                    && d.path("line").asInt() == line
                    && d.path("column").asInt() == column
                    && d.path("message").asString().contains("REDCT")) {
                found++;
            }
        }
        assertThat(found).as(report.body()).isEqualTo(1);
    }

    private static void delete(Path path) {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
