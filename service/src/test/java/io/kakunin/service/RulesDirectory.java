package io.kakunin.service;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** A copy of the built-in rules directory an officer edits, and a service started on it. */
public final class RulesDirectory {

    private final Path root;

    private RulesDirectory(Path root) {
        this.root = root;
    }

    /** Writes the built-in ruleset to {@code root} with the shipped fixtures whose names pass the filter. */
    public static RulesDirectory export(Path root, Predicate<String> fixtures) {
        RulesetFiles.builtIn(RulesDirectory.class.getClassLoader()).writeTo(root);
        Path from = Fixtures.root();
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path request : (Iterable<Path>) walk.filter(
                    p -> p.getFileName() != null && p.getFileName().toString().equals("request.json"))::iterator) {
                Path dir = request.getParent();
                String name = from.relativize(dir).toString();
                if (fixtures.test(name)) {
                    Path target = root.resolve("fixtures").resolve(name);
                    Files.createDirectories(target);
                    Files.copy(request, target.resolve("request.json"));
                    Files.copy(dir.resolve("expected.json"), target.resolve("expected.json"));
                    // A fixture's optional files belong to it: without its waivers.yaml, its expectation is wrong.
                    for (String optional : new String[] {FixtureCase.WAIVERS, FixtureCase.SETTINGS}) {
                        if (Files.exists(dir.resolve(optional))) {
                            Files.copy(dir.resolve(optional), target.resolve(optional));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RulesDirectory(root);
    }

    public Path root() {
        return root;
    }

    /** The revision the directory's rules have now. */
    public String revision() {
        return RulesetFiles.fromDirectory(root).revision();
    }

    public String read(String file) {
        try {
            return Files.readString(root.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Overwrites a file in place, as an editor saving it does. */
    public void write(String file, String text) {
        try {
            Files.writeString(root.resolve(file), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a file, as an officer deleting it does. */
    public void delete(String file) {
        try {
            Files.delete(root.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the first occurrence of a text in a file, which must hold it. */
    public void replace(String file, String from, String to) {
        String text = read(file);
        if (!text.contains(from)) {
            throw new IllegalArgumentException(file + " does not contain " + from);
        }
        write(file, text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));
    }

    /** The 1-based line of a file that holds a text. */
    public int lineOf(String file, String text) {
        List<String> lines = read(file).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(file + " has no line with " + text);
    }

    /**
     * Starts the service on this directory with an in-memory database (unless a property names
     * another) and the given extra properties, given as command-line arguments so that they win
     * over application.yaml, with the keys of {@link TestKeys#arguments()} and
     * {@link TestKeys#roleArguments()}.
     * Unless a test sets {@code kakunin.rules.coverage-min} itself, it is 0: the directories of
     * tests about publishing leave out the long scenario fixtures, which some rules need to be
     * covered; coverage itself is the subject of {@code PublicationGateParityTests}.
     */
    public ConfigurableApplicationContext start(String... properties) {
        if (Stream.of(properties).noneMatch(p -> p.startsWith("kakunin.rules.coverage-min="))) {
            properties = Stream.concat(Stream.of(properties), Stream.of("kakunin.rules.coverage-min=0"))
                    .toArray(String[]::new);
        }
        if (Stream.of(properties).noneMatch(p -> p.startsWith("spring.datasource.url="))) {
            properties = Stream.concat(
                            Stream.of(properties),
                            Stream.of("spring.datasource.url=jdbc:h2:mem:rules-" + java.util.UUID.randomUUID()
                                    + ";DB_CLOSE_DELAY=-1"))
                    .toArray(String[]::new);
        }
        String[] all = Stream.concat(
                        Stream.concat(
                                        Stream.of(
                                                "server.port=0",
                                                "kakunin.rules.path=" + root.toAbsolutePath(),
                                                "logging.level.root=WARN"),
                                        Stream.of(properties))
                                .map(p -> "--" + p),
                        Stream.concat(TestKeys.arguments().stream(), TestKeys.roleArguments().stream()))
                .toArray(String[]::new);
        return new SpringApplicationBuilder(KakuninApplication.class).run(all);
    }

    public static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /**
     * Polls GET /v1/rulesets/active until the condition holds; returns how long it took. The
     * timeout bounds the wait and says nothing about speed: how fast an edit goes live is measured
     * by the benchmarks (docs/performance.md), not asserted here.
     */
    public static Duration awaitActive(Http http, Predicate<JsonNode> condition, Duration timeout) {
        long start = System.nanoTime();
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            Awaitility.await("the active ruleset to reach the expected state")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        Http.Response response = http.get("/v1/rulesets/active");
                        if (response.status() != 200) {
                            return false;
                        }
                        last.set(response.json());
                        return condition.test(last.get());
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "the active ruleset did not reach the expected state within " + timeout + "; last seen: "
                            + last.get(),
                    e);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Makes this directory hold exactly the files of {@code original}, writing only those that
     * differ and removing those it does not have, as an officer reverting their edits would: a
     * test that starts from here does not depend on what an earlier test changed.
     */
    public void revertTo(Path original) {
        try {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Path counterpart = original.resolve(root.relativize(path).toString());
                    if (!path.equals(root)
                            && (!Files.exists(counterpart)
                                    || Files.isDirectory(path) != Files.isDirectory(counterpart))) {
                        deleteTree(path);
                    }
                }
            }
            try (Stream<Path> walk = Files.walk(original)) {
                for (Path source : (Iterable<Path>) walk::iterator) {
                    Path target = root.resolve(original.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else if (!Files.exists(target) || Files.mismatch(source, target) != -1) {
                        Files.write(target, Files.readAllBytes(source));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
