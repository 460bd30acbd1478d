package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a rules directory as it is published: often a symbolic link to a release folder. */
class RulesetFilesTests {

    @TempDir
    Path work;

    private Path release(String name) {
        Path dir = work.resolve(name);
        Ruleset.builtIn().files().writeTo(dir);
        return dir;
    }

    @Test
    void aSymbolicLinkToARulesDirectoryReadsTheDirectoryItLeadsTo() throws IOException {
        Path release = release("release-1");
        Path live = Files.createSymbolicLink(work.resolve("live"), release.getFileName());

        RulesetFiles files = RulesetFiles.fromDirectory(live);
        assertThat(files.revision()).isEqualTo(Ruleset.builtIn().revision());
        assertThat(files.files())
                .containsKey("catalog.yaml")
                .hasSameSizeAs(Ruleset.builtIn().files().files());
    }

    @Test
    void linksInsideADirectoryAreFollowedAndALoopIsSkipped() throws IOException {
        Path shared = release("shared");
        Path rules = work.resolve("rules");
        Files.createDirectories(rules);
        for (String file : new String[] {
            "catalog.yaml",
            "thresholds.properties",
            "messages_en.properties",
            "messages_ja.properties",
            "messages_zh_TW.properties"
        }) {
            Files.createSymbolicLink(rules.resolve(file), shared.resolve(file));
        }
        Files.createSymbolicLink(rules.resolve("product"), shared.resolve("product"));
        Files.createSymbolicLink(rules.resolve("sharing"), shared.resolve("sharing"));
        Files.createSymbolicLink(rules.resolve("product").resolve("loop"), rules);

        assertThat(RulesetFiles.fromDirectory(rules).revision())
                .isEqualTo(Ruleset.builtIn().revision());
    }

    @Test
    void fixturesBehindALinkAreFound() throws IOException {
        Path copy = work.resolve("fixtures-release-1");
        try (var walk = Files.walk(Fixtures.root())) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = copy.resolve(Fixtures.root().relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Path fixtures = Files.createSymbolicLink(work.resolve("fixtures"), copy);
        FixtureCase.Scan scan = FixtureCase.scan(fixtures);
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.cases()).hasSameSizeAs(FixtureCase.load(Fixtures.root()));

        Path topic = Files.createSymbolicLink(work.resolve("ps"), copy.resolve(FixtureCase.PRODUCT_SECURITY));
        assertThat(FixtureCase.scan(topic).cases())
                .allSatisfy(c -> assertThat(c.topic()).isEqualTo(FixtureCase.PRODUCT_SECURITY));
    }

    @Test
    void decodingIsStrictAndSkipsAByteOrderMark() {
        assertThat(RulesetFiles.decode("a", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'x', '=', '1'}))
                .isEqualTo("x=1");
        assertThat(RulesetFiles.utf8Problem("a", "ok\nnot ok: ".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();

        byte[] shiftJis = "a=1\nb=確認\n".getBytes(java.nio.charset.Charset.forName("Shift_JIS"));
        Diagnostic problem =
                RulesetFiles.utf8Problem("messages_ja.properties", shiftJis).orElseThrow();
        assertThat(problem.toString())
                .startsWith("messages_ja.properties:2:3: error: not valid UTF-8 (was it saved as Shift_JIS?)");
        byte[] utf8Then = "é=1\né=確".getBytes(StandardCharsets.UTF_8);
        byte[] truncated = java.util.Arrays.copyOf(utf8Then, utf8Then.length - 1);
        assertThat(RulesetFiles.utf8Problem("x", truncated).orElseThrow().toString())
                .startsWith("x:2:3: error:");
    }
}
