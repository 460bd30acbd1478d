package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.kakunin.cli.Kakunin;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs docs/rule-authoring.md as written: every file it shows is written where it says, every
 * command it shows is run ({@code ./kakunin}, {@code java -jar} the service, {@code curl},
 * {@code cp}) with the exit code and output it shows, and every DRL excerpt it quotes is
 * still in the built-in rules. A command the guide uses that this test does not know fails it.
 *
 * <p>{@code $KAKUNIN_KEY} in a command stands for the reader's API key; the test provisions one
 * with the role the guide says is enough, {@code RULE_ADMIN}, and nothing else.
 *
 * <p>Conventions of the guide: a {@code console} block holds {@code $ command} lines, each
 * followed by lines its output must contain in order ({@code …} stands for anything), and an
 * optional {@code # exits with N}; a block with {@code title="path"} is a file to write,
 * {@code mode="append"} appends it and {@code replace="text"} puts it in place of the text.
 */
class RuleAuthoringGuideTests {

    private static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\S*)([^\\n]*)\\n(.*?)^```\\s*$");
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern EXIT = Pattern.compile("\\s+#\\s*exits with (\\d+)\\s*$");
    private static final String LOCAL = "http://localhost:8080";
    /** The reader's key: the guide says a RULE_ADMIN key does everything it shows. */
    private static final String RULE_ADMIN_KEY = TestKeys.RULE_ADMIN;

    @TempDir
    Path work;

    private ConfigurableApplicationContext service;
    private String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int commands;
    private int files;

    @AfterEach
    void stopTheService() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void theWalkthroughWorksAsWritten() throws Exception {
        String guide =
                Files.readString(Path.of(System.getProperty("kakunin.repository", ".."), "docs/rule-authoring.md"));
        copy(Fixtures.root(), work.resolve("test-fixtures/fixtures"));
        Matcher block = BLOCK.matcher(guide);
        int excerpts = 0;
        while (block.find()) {
            String language = block.group(1);
            Map<String, String> attributes = attributes(block.group(2));
            String content = block.group(3);
            if (attributes.containsKey("title")) {
                write(attributes, content);
            } else if (language.equals("console")) {
                console(content);
            } else if (language.equals("drl")) {
                excerpts++;
                assertThat(builtInRules())
                        .as("the guide quotes DRL that is in no built-in rule file:%n%s", content)
                        .anyMatch(text -> text.contains(content.strip()));
            }
        }
        assertThat(commands).as("commands run").isGreaterThan(15);
        assertThat(files).as("files written").isGreaterThan(8);
        assertThat(excerpts).as("excerpts checked").isGreaterThan(1);
        assertThat(made())
                .as("what following the guide makes in a clone is ignored by git, not offered for commit")
                .isNotEmpty()
                .allSatisfy(name -> assertThat(ignored()).contains(name));
    }

    /** The folders and files the guide made beside the repository's own (the fixtures are the repository's). */
    private List<String> made() throws IOException {
        try (Stream<Path> entries = Files.list(work)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals("test-fixtures"))
                    .toList();
        }
    }

    /** The top-level names the repository's .gitignore ignores ({@code /name} or {@code /name/}). */
    private static List<String> ignored() throws IOException {
        return Files.readAllLines(Path.of(System.getProperty("kakunin.repository", ".."), ".gitignore")).stream()
                .map(String::strip)
                .filter(l -> l.startsWith("/") && !l.substring(1).contains("/") || l.matches("/[^/]+/"))
                .map(l -> l.replaceAll("^/|/$", ""))
                .toList();
    }

    // ------------------------------------------------------------------ files

    private void write(Map<String, String> attributes, String content) throws IOException {
        Path file = work.resolve(attributes.get("title"));
        files++;
        if ("append".equals(attributes.get("mode"))) {
            assertThat(file).as("the guide appends to a file that exists").exists();
            Files.writeString(file, Files.readString(file) + content);
        } else if (attributes.containsKey("replace")) {
            String old = attributes.get("replace").replace("\\\"", "\"");
            String text = Files.readString(file);
            assertThat(text).as("the guide replaces a line the file has").contains(old);
            Files.writeString(
                    file, text.replaceFirst(Pattern.quote(old), Matcher.quoteReplacement(content.stripTrailing())));
        } else {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        }
    }

    private static List<String> builtInRules() {
        return RulesetFiles.builtIn(RuleAuthoringGuideTests.class.getClassLoader()).files().entrySet().stream()
                .filter(e -> e.getKey().endsWith(".drl"))
                .map(e -> new String(e.getValue(), StandardCharsets.UTF_8))
                .toList();
    }

    // ------------------------------------------------------------------ commands

    private void console(String block) throws Exception {
        String command = null;
        List<String> expected = new ArrayList<>();
        for (String line : (block + "\n").split("\n")) {
            if (line.startsWith("$ ")) {
                if (command != null) {
                    run(command, expected);
                }
                command = line.substring(2);
                expected = new ArrayList<>();
            } else if (!line.isBlank()) {
                expected.add(line.strip());
            }
        }
        if (command != null) {
            run(command, expected);
        }
    }

    private void run(String line, List<String> expected) throws Exception {
        commands++;
        int exit = 0;
        Matcher exits = EXIT.matcher(line);
        if (exits.find()) {
            exit = Integer.parseInt(exits.group(1));
            line = line.substring(0, exits.start());
        }
        List<String> args = tokens(line.replace("$KAKUNIN_KEY", RULE_ADMIN_KEY));
        String program = args.get(0);
        switch (program) {
            case "./kakunin" -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                int code = new Kakunin(print, print, work)
                        .run(args.subList(1, args.size()).toArray(String[]::new));
                String output = out.toString(StandardCharsets.UTF_8);
                assertThat(code)
                        .as("exit code of %s; output:%n%s", line, output)
                        .isEqualTo(exit);
                assertOutput(line, output, expected);
            }
            case "java" -> startService(line, args);
            case "curl" -> curl(line, args, expected);
            case "cp" -> {
                assertThat(args)
                        .as("the guide copies with cp -r <dir>/. <dir>/")
                        .hasSize(4)
                        .element(1)
                        .isEqualTo("-r");
                assertThat(args.get(2)).endsWith("/.");
                copy(work.resolve(args.get(2).substring(0, args.get(2).length() - 2)), work.resolve(args.get(3)));
            }
            case "ln" -> link(line, args);
            default -> fail("the guide runs '%s', which this test does not know how to run", line);
        }
    }

    private void assertOutput(String command, String output, List<String> expected) {
        List<String> lines = output.lines().map(String::strip).toList();
        int from = 0;
        for (String want : expected) {
            Pattern pattern = wildcard(want);
            int found = -1;
            for (int i = from; i < lines.size(); i++) {
                if (pattern.matcher(lines.get(i)).matches()) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                throw new AssertionError(
                        "the output of '" + command + "' has no line '" + want + "' (in order); it was:\n" + output);
            }
            from = found + 1;
        }
    }

    private static Pattern wildcard(String line) {
        StringBuilder regex = new StringBuilder();
        for (String part : line.split("…", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    /** {@code java -jar service/target/service-<version>.jar --name=value…}, started in this JVM on a free port. */
    private void startService(String line, List<String> args) {
        assertThat(args.subList(0, 3))
                .as(line)
                .containsExactly(
                        "java",
                        "-jar",
                        "service/target/service-" + System.getProperty("kakunin.version", "1.0.0-SNAPSHOT") + ".jar");
        assertThat(service).as("the guide starts the service once").isNull();
        List<String> options = new ArrayList<>();
        for (String option : args.subList(3, args.size())) {
            assertThat(option)
                    .as("service options are --name=value")
                    .startsWith("--")
                    .contains("=");
            options.add(
                    option.startsWith("--kakunin.rules.path=")
                            ? "--kakunin.rules.path=" + work.resolve(option.substring("--kakunin.rules.path=".length()))
                            : option);
        }
        // Where the guide's service listens and keeps its data is the test's choice.
        options.addAll(List.of(
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:guide;DB_CLOSE_DELAY=-1",
                "--logging.level.root=WARN"));
        // The guide's reader has a key from their administrator in $KAKUNIN_KEY; the test provisions one.
        options.addAll(List.of(
                "--kakunin.security.provisioned-keys[0].name=guide reader",
                "--kakunin.security.provisioned-keys[0].key=" + RULE_ADMIN_KEY,
                "--kakunin.security.provisioned-keys[0].roles=RULE_ADMIN"));
        service = new SpringApplicationBuilder(KakuninApplication.class).run(options.toArray(String[]::new));
        base = "http://localhost:" + RulesDirectory.port(service);
    }

    /** curl with -s, -X, -H, -d/--data-binary and -F, as the guide uses it; the output is the body. */
    private void curl(String line, List<String> args, List<String> expected) throws Exception {
        assertThat(service)
                .as("the guide calls the service after starting it: " + line)
                .isNotNull();
        String method = null;
        String url = null;
        List<String[]> headers = new ArrayList<>();
        List<String> forms = new ArrayList<>();
        String data = null;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-s" -> {}
                case "-X" -> method = args.get(++i);
                case "-H" -> headers.add(args.get(++i).split(":\\s*", 2));
                case "-d", "--data-binary" -> data = args.get(++i);
                case "-F" -> forms.add(args.get(++i));
                default -> {
                    assertThat(a).as("curl option the test knows, in " + line).startsWith(LOCAL);
                    url = base + a.substring(LOCAL.length());
                }
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        headers.forEach(h -> request.header(h[0], h[1]));
        if (!forms.isEmpty()) {
            String boundary = "guide" + System.nanoTime();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (String form : forms) {
                Matcher m =
                        Pattern.compile("([^=]+)=@([^;]+)(?:;filename=(.+))?").matcher(form);
                assertThat(m.matches())
                        .as("-F name=@file;filename=path, was " + form)
                        .isTrue();
                Path file = work.resolve(m.group(2));
                String filename = m.group(3) == null ? file.getFileName().toString() : m.group(3);
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + m.group(1)
                                + "\"; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                body.writeBytes(Files.readAllBytes(file));
                body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            request.header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .method(
                            method == null ? "POST" : method,
                            HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        } else if (data != null) {
            byte[] bytes = data.startsWith("@")
                    ? Files.readAllBytes(work.resolve(data.substring(1)))
                    : data.getBytes(StandardCharsets.UTF_8);
            request.method(method == null ? "POST" : method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        } else {
            request.method(method == null ? "GET" : method, HttpRequest.BodyPublishers.noBody());
        }
        boolean safe = method == null || method.equals("GET");
        if (!safe) {
            assertOutput(
                    line,
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                            .body(),
                    expected);
            return;
        }
        // What the guide shows "within seconds" (an activation) may take a moment: a GET is asked
        // again, for at most a minute, and fails with what the last answer lacked.
        await(line)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertOutput(
                        line,
                        http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                                .body(),
                        expected));
    }

    /**
     * {@code ln -sfn <target> <link>} as GNU ln does it: a link that exists is removed, then the
     * link is made with the target as written (relative to the link's folder).
     */
    private void link(String line, List<String> args) throws IOException {
        assertThat(args)
                .as("the guide links with ln -sfn <target> <link>: " + line)
                .hasSize(4)
                .element(1)
                .isEqualTo("-sfn");
        Path link = work.resolve(args.get(3));
        if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            assertThat(Files.isSymbolicLink(link))
                    .as("ln -sfn replaces a link, not a folder: " + line)
                    .isTrue();
            Files.delete(link);
        }
        Files.createSymbolicLink(link, Path.of(args.get(2)));
        assertThat(Files.isDirectory(link))
                .as("the link leads to a folder: " + line)
                .isTrue();
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, String> attributes(String info) {
        Map<String, String> attributes = new java.util.HashMap<>();
        Matcher m = ATTRIBUTE.matcher(info);
        while (m.find()) {
            attributes.put(m.group(1), m.group(2));
        }
        return attributes;
    }

    /** Splits a command line as a POSIX shell does for the quoting the guide uses. */
    static List<String> tokens(String line) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inToken = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                current.append(line, i + 1, end);
                i = end;
                inToken = true;
            } else if (c == '"') {
                int end = line.indexOf('"', i + 1);
                current.append(line, i + 1, end);
                i = end;
                inToken = true;
            } else if (Character.isWhitespace(c)) {
                if (inToken) {
                    tokens.add(current.toString());
                    current.setLength(0);
                    inToken = false;
                }
            } else {
                current.append(c);
                inToken = true;
            }
        }
        if (inToken) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
