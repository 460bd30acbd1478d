package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README stays what a newcomer reads in five minutes, and the documents stay where it says:
 * its example is the fixture the end-to-end test sends, its test command is the one CI runs,
 * it links each guide in docs/ once, and no link in the README or in docs/ leads nowhere.
 */
class DocumentationTests {

    private static final Path REPOSITORY = Path.of(System.getProperty("kakunin.repository", ".."));
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+)$");

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readme() {
        return read(REPOSITORY.resolve("README.md"));
    }

    private static List<Path> guides() throws IOException {
        try (Stream<Path> files = Files.list(REPOSITORY.resolve("docs"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void theReadmeIsShort() {
        assertThat(readme().lines().count())
                .as("README.md lines; reference material belongs in docs/")
                .isLessThan(150);
    }

    @Test
    void theReadmeExampleIsTheFixtureTheEndToEndTestSends() {
        assertThat(readme()).contains("--data @test-fixtures/fixtures/" + AssessmentApiTests.EXAMPLE);
    }

    @Test
    void theReadmeTestCommandIsWhatCiRuns() {
        List<String> ci = read(REPOSITORY.resolve(".ci/run"))
                .lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        assertThat(ci.get(ci.size() - 1)).isEqualTo("./mvnw verify");
        assertThat(readme()).contains("```\n./mvnw verify\n```");
    }

    @Test
    void theReadmeLinksEachGuideOnce() throws IOException {
        List<String> links = links(readme());
        List<Path> guides = guides();
        assertThat(guides).hasSizeGreaterThanOrEqualTo(6);
        for (Path guide : guides) {
            String target = "docs/" + guide.getFileName();
            assertThat(links.stream().filter(l -> l.equals(target) || l.startsWith(target + "#")))
                    .as("links from README.md to %s", target)
                    .hasSize(1);
        }
    }

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
        List<Path> documents = new ArrayList<>(guides());
        documents.add(REPOSITORY.resolve("README.md"));
        int checked = 0;
        for (Path document : documents) {
            for (String link : links(read(document))) {
                if (link.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                String[] parts = link.split("#", 2);
                Path target = parts[0].isEmpty()
                        ? document
                        : document.getParent().resolve(parts[0]).normalize();
                assertThat(target)
                        .as("%s links to %s", REPOSITORY.relativize(document), link)
                        .exists();
                if (parts.length == 2) {
                    assertThat(anchors(read(target)))
                            .as("%s links to %s", REPOSITORY.relativize(document), link)
                            .contains(parts[1]);
                }
                checked++;
            }
        }
        assertThat(checked).as("links checked").isGreaterThan(10);
    }

    /** Links and paths the documents name stay in the repository: a reader of a clone has nothing else. */
    @Test
    void noDocumentLeadsOutsideTheRepository() throws IOException {
        Path repository = REPOSITORY.toAbsolutePath().normalize();
        List<Path> documents = new ArrayList<>(guides());
        documents.add(REPOSITORY.resolve("README.md"));
        for (Path document : documents) {
            String text = read(document);
            for (String link : links(text)) {
                if (link.matches("^[a-z]+:.*") || link.startsWith("#")) {
                    continue;
                }
                assertThat(document.toAbsolutePath()
                                .getParent()
                                .resolve(link.split("#", 2)[0])
                                .normalize())
                        .as("%s links to %s", REPOSITORY.relativize(document), link)
                        .startsWith(repository);
            }
            Matcher quoted = Pattern.compile("`(\\.\\./[^`\\s]+)`").matcher(text);
            while (quoted.find()) {
                assertThat(document.toAbsolutePath()
                                .getParent()
                                .resolve(quoted.group(1))
                                .normalize())
                        .as("%s names %s", REPOSITORY.relativize(document), quoted.group(1))
                        .startsWith(repository);
            }
        }
    }

    /**
     * Every build command in the documents and the contract works on a fresh clone, where no
     * module of this project is installed: no module is built alone without the ones it needs
     * ({@code -pl} without {@code -am}), and nothing needs {@code spring-boot:run} or
     * {@code install}.
     */
    @Test
    void everyBuildCommandWorksOnAFreshClone() throws IOException {
        List<Path> documents = new ArrayList<>(guides());
        documents.add(REPOSITORY.resolve("README.md"));
        documents.add(REPOSITORY.resolve("api-spec/src/main/openapi/kakunin.yaml"));
        int commands = 0;
        for (Path document : documents) {
            Matcher command = Pattern.compile("\\./mvnw[^`\\n]*").matcher(read(document));
            while (command.find()) {
                String line = command.group();
                commands++;
                assertThat(line)
                        .as("%s: %s", REPOSITORY.relativize(document), line)
                        .doesNotContain("spring-boot:run")
                        .doesNotContainPattern("\\binstall\\b");
                if (line.matches(".*\\s-pl\\s.*")) {
                    assertThat(line)
                            .as("%s builds a module without what it needs: %s", REPOSITORY.relativize(document), line)
                            .containsPattern("\\s-am\\b");
                }
            }
        }
        assertThat(commands).as("build commands checked").isGreaterThan(5);
    }

    /**
     * The README's commands need nothing a fresh machine lacks: without uuidgen (a fresh Debian),
     * a command substitution for the Idempotency-Key came out empty and curl silently dropped the
     * header. The example key is written out; the new API key is kept and checked.
     */
    @Test
    void theReadmeCommandsNeedNoToolAFreshMachineLacks() {
        String readme = readme();
        assertThat(readme).doesNotContain("uuidgen").doesNotContain("| jq").doesNotContain("python");
        assertThat(readme).containsPattern("-H 'Idempotency-Key: [A-Za-z0-9-]+'");
        assertThat(readme).contains("export KEY=$(").contains("${KEY:?");
    }

    private static List<String> links(String markdown) {
        List<String> links = new ArrayList<>();
        Matcher m = LINK.matcher(markdown);
        while (m.find()) {
            links.add(m.group(1));
        }
        return links;
    }

    /** The anchors GitHub gives headings: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> anchors(String markdown) {
        List<String> anchors = new ArrayList<>();
        Matcher m = HEADING.matcher(markdown);
        while (m.find()) {
            anchors.add(m.group(1)
                    .strip()
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-'));
        }
        return anchors;
    }
}
