package io.kakunin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.HostileRules;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kakunin check} and {@code kakunin test} refuse each hostile rule file of the corpus, at
 * its file, line and column, and run none of it: not the compiler, not its fixtures.
 */
class HostileRulesCliTests {

    @TempDir
    static Path work;

    record Run(int exit, String out, String err) {}

    static Run kakunin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Kakunin(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        work)
                .run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void exportTheBuiltInRules() {
        Run export = kakunin("export", "built-in");
        assertThat(export.exit()).as(export.err()).isZero();
    }

    static Stream<HostileRules.Hostile> corpus() {
        return HostileRules.corpus().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void checkAndTestRefuseAHostileFileAtItsPlaceAndRunNothingOfIt(HostileRules.Hostile hostile) throws IOException {
        String dir = "hostile-" + hostile.file().replace('.', '-');
        copy(work.resolve("built-in"), work.resolve(dir));
        Path canary = work.resolve(dir + "-canary");
        String text = hostile.text(canary);
        Files.writeString(work.resolve(dir).resolve(hostile.target()), text);
        // A fixture the hostile rule fires on: what `test` would run if the rules got that far.
        Path fixture = work.resolve(dir).resolve("fixtures/product-security/a-product-the-hostile-rule-matches");
        Files.createDirectories(fixture);
        Files.writeString(fixture.resolve("request.json"), HostileRules.REQUEST);
        Files.writeString(fixture.resolve("expected.json"), "{}");
        String refusal = dir + "/" + hostile.target() + ":" + hostile.expectedAt(text) + ": error: ";

        Run check = kakunin("check", dir);
        assertThat(check.exit()).as(check.out() + check.err()).isEqualTo(1);
        assertThat(check.out()).contains(refusal);

        Run test = kakunin("test", dir);
        assertThat(test.exit()).as(test.out() + test.err()).isEqualTo(1);
        assertThat(test.out()).contains(refusal).doesNotContain("PASS ").doesNotContain("FAIL ");

        assertThat(canary).as("nothing of it ran").doesNotExist();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
