package io.kakunin.cli;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.ImpactSummary;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.api.model.Waiver;
import io.kakunin.kb.ImpactTally;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.WaiverFiles;
import io.kakunin.kb.Waivers;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.FixtureSuite;
import io.kakunin.kb.fixtures.PublicationGate;
import io.kakunin.kb.fixtures.Verification;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The compliance officers' command line: check a rules directory, test it against its fixtures
 * with rule coverage, evaluate a request, export the built-in ruleset to start from. Runs
 * without the service, from the built artifact.
 *
 * <pre>
 * kakunin check &lt;dir&gt;
 * kakunin test &lt;dir&gt; [--fixtures &lt;dir&gt;] [--coverage-min &lt;percent&gt;] [--junit &lt;file&gt;]
 * kakunin evaluate [--rules &lt;dir&gt;] [--lang &lt;en|ja|zh-TW&gt;] [--jc-star] [--waivers &lt;file.yaml&gt;] [--as-of &lt;instant&gt;] &lt;request.json&gt;
 * kakunin export &lt;dir&gt; [--fixtures &lt;dir&gt;]
 * kakunin impact --rules &lt;dir&gt; --requests &lt;dir&gt; [--base &lt;dir&gt;] [--format text|json] [--waivers &lt;file.yaml&gt;] [--as-of &lt;instant&gt;]
 * </pre>
 *
 * Exit codes: 0 success, 1 the rules, fixtures or request have a problem, 2 the command was
 * used wrongly.
 */
public final class Kakunin {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage:
              kakunin check <dir>                 compile a rules directory; report file:line:column problems
              kakunin test <dir> [--fixtures <dir>] [--coverage-min <percent>] [--junit <file>]
                                                  run the fixtures (default <dir>/fixtures), report rule coverage
              kakunin evaluate [--rules <dir>] [--lang <en|ja|zh-TW>] [--jc-star] [--waivers <file.yaml>]
                               [--as-of <instant>] <request.json>
                                                  print the verdict of an assessment or sharing-review request;
                                                  --jc-star: each product's JC-STAR ★1 checklist instead;
                                                  --waivers: overlay the waivers of a YAML list (an assessment only);
                                                  --as-of: judge effective dates and waivers at an RFC 3339
                                                  instant (default now), such as 2027-04-01T00:00:00+09:00
              kakunin export <dir> [--fixtures <dir>]
                                                  write the built-in ruleset (and a copy of fixtures) to start from
              kakunin impact --rules <dir> --requests <dir> [--base <dir>] [--format text|json]
                             [--waivers <file.yaml>] [--as-of <instant>]
                                                  which assessment requests a changed ruleset decides differently
                                                  from the built-in one (or --base), and how; both with the same
                                                  waivers, as of the same instant (default now)
            exit codes: 0 success, 1 problems found, 2 usage error""";

    private final PrintStream out;
    private final PrintStream err;
    private final Path workingDirectory;

    /**
     * @param workingDirectory what relative paths in the arguments are relative to; paths are
     *                         shown back relative to it
     */
    public Kakunin(PrintStream out, PrintStream err, Path workingDirectory) {
        this.out = out;
        this.err = err;
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
    }

    public static void main(String[] args) {
        // The command line reports every problem itself; Drools' own logging has no provider here.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        System.exit(new Kakunin(System.out, System.err, Path.of("")).run(args));
    }

    /** Runs a command; returns the exit code. */
    public int run(String... args) {
        if (args.length == 0) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        try {
            return switch (args[0]) {
                case "check" -> check(args);
                case "test" -> test(args);
                case "evaluate" -> evaluate(args);
                case "export" -> export(args);
                case "impact" -> impact(args);
                case "help", "--help", "-h" -> {
                    out.println(USAGE_TEXT);
                    yield OK;
                }
                default -> usage("unknown command '" + args[0] + "'");
            };
        } catch (UsageException e) {
            return usage(e.getMessage());
        }
    }

    private int usage(String problem) {
        err.println("kakunin: " + problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }

    // ------------------------------------------------------------------ check

    private int check(String[] args) {
        if (args.length > 2) {
            throw new UsageException("check takes one directory");
        }
        Path dir = directory(args, 1);
        Ruleset.Checked checked = compile(dir);
        // The diagnostics and what they add up to on one stream, in the order they were found.
        print(out, dir, checked.diagnostics());
        long errors = checked.diagnostics().stream().filter(Diagnostic::isError).count();
        long warnings = checked.diagnostics().size() - errors;
        if (checked.usable()) {
            out.println("ok: " + describe(checked.ruleset()) + plural(warnings, " (", "warning", ")"));
            return OK;
        }
        out.println(plural(errors, "", "error", "") + ", " + plural(warnings, "", "warning", ""));
        return FAILED;
    }

    /** What a ruleset is, in one phrase: its size, the version its catalog declares, its revision. */
    private static String describe(Ruleset ruleset) {
        return ruleset.rules().size() + " rules, " + ruleset.catalog().entries().size() + " recommendations, version "
                + ruleset.version() + ", revision " + ruleset.revision();
    }

    private Ruleset.Checked compile(Path dir) {
        return Ruleset.check(RulesetFiles.fromDirectory(dir), shown(dir), Map.of());
    }

    private void print(PrintStream stream, Path dir, List<Diagnostic> diagnostics) {
        for (Diagnostic d : diagnostics) {
            String file = d.file().isEmpty() ? shown(dir) : shown(dir.resolve(d.file()));
            stream.println(file + ":" + d.line() + ":" + d.column() + ": "
                    + d.severity().name().toLowerCase(Locale.ROOT) + ": " + d.message());
        }
    }

    private static String plural(long n, String before, String noun, String after) {
        return n == 0 && !before.isEmpty() ? "" : before + n + " " + noun + (n == 1 ? "" : "s") + after;
    }

    // ------------------------------------------------------------------ test

    private int test(String[] args) {
        Path dir = directory(args, 1);
        Path fixtures = dir.resolve("fixtures");
        Double coverageMin = null;
        Path junit = null;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--fixtures" -> {
                    fixtures = path(value(args, ++i, "--fixtures"));
                    if (!Files.isDirectory(fixtures)) {
                        // Named on the command line: a wrong path is a usage error, before anything is compiled.
                        throw new UsageException("--fixtures " + shown(fixtures)
                                + (Files.exists(fixtures) ? " is not a directory" : " does not exist"));
                    }
                }
                case "--coverage-min" -> coverageMin = percent(value(args, ++i, "--coverage-min"));
                case "--junit" -> junit = path(value(args, ++i, "--junit"));
                default -> throw new UsageException("unknown option '" + args[i] + "'");
            }
        }
        JunitXml.Clock clock = JunitXml.Clock.start();
        long start = System.nanoTime();
        // A missing fixtures directory is a ruleset without fixtures: the gate refuses it like the service does.
        FixtureCase.Scan scan =
                Files.isDirectory(fixtures) ? FixtureCase.scan(fixtures) : new FixtureCase.Scan(List.of(), List.of());
        PublicationGate.Policy policy =
                coverageMin == null ? PublicationGate.Policy.DEFAULT : new PublicationGate.Policy(coverageMin);
        int[] failed = {scan.problems().size()};
        Set<Diagnostic> shownWithTheirFixture = new HashSet<>();
        PublicationGate.Progress progress = new PublicationGate.Progress() {
            @Override
            public void checked(Ruleset.Checked checked) {
                if (checked.usable()) {
                    out.printf(
                            Locale.ROOT,
                            "checked %s: %s; running %d fixtures%n",
                            shown(dir),
                            describe(checked.ruleset()),
                            scan.cases().size());
                    for (Diagnostic problem : scan.problems()) {
                        out.println("FAIL " + problem.message());
                    }
                }
            }

            @Override
            public void judged(FixtureSuite.CaseResult result) {
                if (result.passed()) {
                    out.println("PASS " + result.fixture().name());
                    return;
                }
                failed[0]++;
                out.println("FAIL " + result.fixture().name());
                List<Diagnostic> differences = PublicationGate.diagnostics(result);
                print(out, dir, differences);
                shownWithTheirFixture.addAll(differences);
            }
        };
        // Fixtures run on every core; each is printed, in order, as soon as it and those before it are judged.
        ExecutorService runners =
                Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), runnable -> {
                    Thread thread = new Thread(runnable, "kakunin-fixtures");
                    thread.setDaemon(true);
                    return thread;
                });
        Verification verification;
        try {
            verification = PublicationGate.verify(
                    RulesetFiles.fromDirectory(dir), shown(dir), Map.of(), null, scan, policy, runners, progress);
        } finally {
            runners.shutdownNow();
        }
        Ruleset ruleset = verification.ruleset();
        FixtureSuite.Report report = verification.fixtures();
        // Everything not yet shown with its fixture, in the compiler's form.
        List<Diagnostic> others = verification.diagnostics().stream()
                .filter(d ->
                        !shownWithTheirFixture.contains(d) && !scan.problems().contains(d))
                .toList();
        if (ruleset == null) {
            print(out, dir, verification.diagnostics());
            long errors = verification.errorCount();
            out.println(plural(errors, "", "error", "") + ", "
                    + plural(verification.diagnostics().size() - errors, "", "warning", "")
                    + "; the rules do not compile, so no fixture was run");
            writeJunit(junit, JunitXml.write(null, verification.diagnostics(), List.of(), null, clock));
            return FAILED;
        }
        int total =
                (report == null ? 0 : report.cases().size()) + scan.problems().size();
        out.printf(
                Locale.ROOT,
                "%d passed, %d failed, %d fixtures in %.1f s%n",
                total - failed[0],
                failed[0],
                total,
                (System.nanoTime() - start) / 1e9);
        if (report == null) {
            print(out, dir, others);
            if (!Files.isDirectory(fixtures)) {
                out.println("kakunin: no fixtures at " + shown(fixtures) + " (give them with --fixtures <dir>)");
            }
            writeJunit(junit, JunitXml.write(ruleset, verification.diagnostics(), List.of(), null, clock));
            return FAILED;
        }
        out.printf(
                Locale.ROOT,
                "rule coverage: %d of %d rules have their decision asserted by a fixture (%.1f%%); %d fired%n",
                report.assertedRules().size(),
                report.rules().size(),
                report.coveragePercent(),
                report.firedRules().size());
        report.unfiredRules().forEach(r -> out.println("  not fired: " + r + locate(ruleset, dir, r)));
        JunitXml.Coverage coverage = new JunitXml.Coverage(report, policy.coverageMin());
        if (!coverage.met()) {
            out.printf(
                    Locale.ROOT,
                    "rule coverage %.1f%% is under the minimum of %.1f%%%n",
                    report.coveragePercent(),
                    policy.coverageMin());
        }
        print(out, dir, others);
        writeJunit(junit, JunitXml.write(ruleset, scan.problems(), report.cases(), coverage, clock));
        return verification.accepted() ? OK : FAILED;
    }

    private String locate(Ruleset ruleset, Path dir, String rule) {
        return ruleset.rule(rule)
                .map(r -> r.file().isEmpty() ? "" : " (" + shown(dir.resolve(r.file())) + ":" + r.line() + ")")
                .orElse("");
    }

    private void writeJunit(Path file, String xml) {
        if (file == null) {
            return;
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, xml, StandardCharsets.UTF_8);
            out.println("JUnit report: " + shown(file));
        } catch (IOException e) {
            err.println("kakunin: cannot write " + shown(file) + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ evaluate

    private int evaluate(String[] args) {
        Path rules = null;
        String lang = "en";
        Path request = null;
        boolean jcStar = false;
        Path waiversFile = null;
        Instant asOf = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--rules" -> rules = path(value(args, ++i, "--rules"));
                case "--lang" -> lang = value(args, ++i, "--lang");
                case "--jc-star" -> jcStar = true;
                case "--waivers" -> waiversFile = path(value(args, ++i, "--waivers"));
                case "--as-of" -> asOf = instant(value(args, ++i, "--as-of"));
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new UsageException("unknown option '" + args[i] + "'");
                    }
                    if (request != null) {
                        throw new UsageException("give one request file");
                    }
                    request = path(args[i]);
                }
            }
        }
        if (request == null) {
            throw new UsageException("give the request file to evaluate");
        }
        if (rules != null && !Files.isDirectory(rules)) {
            throw new UsageException(shown(rules) + " is not a directory");
        }
        List<Waiver> waivers = null;
        if (waiversFile != null) {
            waivers = waiversOf(waiversFile);
            if (waivers == null) {
                return FAILED;
            }
        }
        Ruleset ruleset;
        if (rules == null) {
            ruleset = Ruleset.builtIn();
        } else {
            Ruleset.Checked checked = compile(rules);
            if (!checked.usable()) {
                // The verdict would go to standard output: what stops it goes to standard error, all of it.
                print(err, rules, checked.diagnostics());
                err.println("the rules do not compile; nothing was evaluated");
                return FAILED;
            }
            ruleset = checked.ruleset();
        }
        Locale locale = Locales.resolve(lang);
        String file = shown(request);
        try {
            JsonNode body = Json.mapper().readTree(Files.readAllBytes(request));
            if (body == null || !body.isObject()) {
                err.println("kakunin: " + file + " must hold a JSON object: an assessment or a sharing-review request");
                return FAILED;
            }
            Object verdict;
            if (jcStar) {
                if (body.has("sharer")) {
                    err.println(
                            "kakunin: " + file
                                    + " is a sharing-review request; a JC-STAR ★1 checklist is of an assessment request's products");
                    return FAILED;
                }
                if (!ruleset.hasJcStar()) {
                    err.println("kakunin: the catalog of these rules has no jcStar scheme; there is no ★1 checklist");
                    return FAILED;
                }
                AssessmentRequest assessment = Json.mapper().treeToValue(body, AssessmentRequest.class);
                verdict = ruleset.jcStar(assessment, waived(ruleset.assess(assessment, locale), waivers, asOf), locale);
            } else if (body.has("sharer")) {
                if (waivers != null) {
                    err.println("kakunin: " + file + " is a sharing-review request; waivers apply to assessments");
                    return FAILED;
                }
                verdict = ruleset.review(Json.mapper().treeToValue(body, SharingReviewRequest.class), locale);
            } else {
                verdict = waived(
                        ruleset.assess(Json.mapper().treeToValue(body, AssessmentRequest.class), locale),
                        waivers,
                        asOf);
            }
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(verdict));
            return OK;
        } catch (IOException | JacksonException | InvalidFactsException e) {
            return unreadable(file, e);
        }
    }

    /**
     * The waivers of a file, read and checked before anything is evaluated (a verdict with half of
     * them applied would mislead); null after every problem was printed to standard error.
     */
    private List<Waiver> waiversOf(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--waivers " + shown(file) + " is not a file");
        }
        WaiverFiles.Read read;
        try {
            read = WaiverFiles.read(Files.readAllBytes(file));
        } catch (IOException e) {
            err.println("kakunin: cannot read " + shown(file) + ": " + e.getMessage());
            return null;
        }
        if (!read.ok()) {
            String shownWaivers = shown(file);
            read.problems().forEach(p -> err.println(shownWaivers + ": " + p));
            err.println("the waivers have problems; nothing was evaluated");
            return null;
        }
        return read.waivers();
    }

    /** A request file that cannot be read, is not a request, or states facts that cannot hold: said, and FAILED. */
    private int unreadable(Object file, Exception e) {
        if (e instanceof InvalidFactsException invalid) {
            invalid.problems().forEach(p -> err.println(file + ": " + p.pointer() + ": " + p.detail()));
        } else if (e instanceof JacksonException json) {
            err.println("kakunin: " + file + " is not a valid request: " + json.getOriginalMessage());
        } else {
            err.println("kakunin: cannot read " + file + ": " + e.getMessage());
        }
        return FAILED;
    }

    /**
     * The overlay of a waivers file and the effective dates, as of {@code asOf} (the verdict's own
     * time when null): the same call every evaluation path of the service makes
     * ({@link Waivers#apply}), so a waiver waives, and an item not yet in force warns, the same here
     * as there. Offline, an instant in the past is accepted: nothing is stored or enforced here.
     */
    private static Assessment waived(Assessment verdict, List<Waiver> waivers, Instant asOf) {
        return waivers == null && asOf == null
                ? verdict
                : Waivers.apply(
                        verdict,
                        waivers == null ? List.of() : waivers,
                        asOf == null ? verdict.getCreatedAt().toInstant() : asOf);
    }

    /** An instant as {@code --as-of} takes it: RFC 3339 with an offset. */
    private static Instant instant(String text) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new UsageException("--as-of '" + text + "' is not an instant: give RFC 3339 with an offset, such as"
                    + " 2027-04-01T00:00:00+09:00 or 2027-03-31T15:00:00Z");
        }
    }

    // ------------------------------------------------------------------ export

    private int export(String[] args) {
        Path dir = null;
        Path fixtures = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--fixtures")) {
                fixtures = path(value(args, ++i, "--fixtures"));
            } else if (args[i].startsWith("--")) {
                throw new UsageException("unknown option '" + args[i] + "'");
            } else if (dir != null) {
                throw new UsageException("give one directory to export to");
            } else {
                dir = path(args[i]);
            }
        }
        if (dir == null) {
            throw new UsageException("give the directory to write the built-in ruleset to");
        }
        if (fixtures != null && !Files.isDirectory(fixtures)) {
            throw new UsageException(shown(fixtures) + " is not a directory");
        }
        if (Files.exists(dir) && !isEmptyDirectory(dir)) {
            err.println("kakunin: " + shown(dir) + " exists and is not empty; choose a new directory");
            return FAILED;
        }
        Ruleset builtIn = Ruleset.builtIn();
        builtIn.files().writeTo(dir);
        out.println("wrote the built-in ruleset " + builtIn.revision() + " to " + shown(dir));
        if (fixtures != null) {
            int copied = copyFixtures(fixtures, dir.resolve("fixtures"));
            out.println(
                    "copied " + copied + " fixtures from " + shown(fixtures) + " to " + shown(dir.resolve("fixtures")));
        }
        return OK;
    }

    private static int copyFixtures(Path from, Path to) {
        int cases = 0;
        try (var walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                    cases += source.getFileName().toString().equals("request.json") ? 1 : 0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the fixtures from " + from, e);
        }
        return cases;
    }

    // ------------------------------------------------------------------ impact

    /**
     * The impact preview offline: every assessment request under a folder evaluated by the base
     * ruleset (built in, or {@code --base}) and by the changed one, compared by {@link ImpactTally},
     * the comparison the service's preview job runs. Exit 0 whatever moves; 1 only when the rules do
     * not compile or a request cannot be read.
     */
    private int impact(String[] args) {
        Path rules = null;
        Path base = null;
        Path requests = null;
        String format = "text";
        String lang = "en";
        Path waiversFile = null;
        Instant asOf = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--rules" -> rules = path(value(args, ++i, "--rules"));
                case "--base" -> base = path(value(args, ++i, "--base"));
                case "--waivers" -> waiversFile = path(value(args, ++i, "--waivers"));
                case "--as-of" -> asOf = instant(value(args, ++i, "--as-of"));
                case "--requests" -> requests = path(value(args, ++i, "--requests"));
                case "--format" -> format = value(args, ++i, "--format");
                case "--lang" -> lang = value(args, ++i, "--lang");
                default -> throw new UsageException("unknown argument '" + args[i] + "'");
            }
        }
        if (rules == null) {
            throw new UsageException("give the changed rules with --rules <dir>");
        }
        if (requests == null) {
            throw new UsageException("give the folder of requests with --requests <dir>");
        }
        if (!format.equals("text") && !format.equals("json")) {
            throw new UsageException("--format is text or json, was '" + format + "'");
        }
        for (Path dir : new Path[] {rules, base, requests}) {
            if (dir != null && !Files.isDirectory(dir)) {
                throw new UsageException(shown(dir) + " is not a directory");
            }
        }
        List<Waiver> waivers = List.of();
        if (waiversFile != null) {
            waivers = waiversOf(waiversFile);
            if (waivers == null) {
                return FAILED;
            }
        }
        Ruleset candidate = usable(rules);
        Ruleset baseline = base == null ? Ruleset.builtIn() : usable(base);
        if (candidate == null || baseline == null) {
            return FAILED;
        }
        // Both decide as of the same instant, with the same waivers, so that only the rules differ.
        Instant at = asOf == null ? Instant.now() : asOf;
        Clock now = Clock.fixed(at, ZoneOffset.UTC);
        candidate = candidate.withClock(now);
        baseline = baseline.withClock(now);
        Locale locale = Locales.resolve(lang);
        List<Path> files;
        try (var walk = Files.walk(requests)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".json"))
                    // A fixture folder holds its expected verdicts beside the requests: they are not requests.
                    .filter(p -> !p.getFileName().toString().startsWith("expected"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            err.println("kakunin: cannot read " + shown(requests) + ": " + e.getMessage());
            return FAILED;
        }
        ImpactTally tally = new ImpactTally(Integer.MAX_VALUE);
        int reviews = 0;
        for (Path request : files) {
            String file = shown(request);
            try {
                JsonNode body = Json.mapper().readTree(Files.readAllBytes(request));
                if (body == null || !body.isObject()) {
                    err.println("kakunin: " + file + " must hold a JSON object: an assessment request");
                    return FAILED;
                }
                if (body.has("sharer")) {
                    reviews++;
                    continue;
                }
                AssessmentRequest assessment = Json.mapper().treeToValue(body, AssessmentRequest.class);
                tally.add(
                        file,
                        waived(baseline.assess(assessment, locale), waivers, at),
                        waived(candidate.assess(assessment, locale), waivers, at));
            } catch (IOException | JacksonException | InvalidFactsException e) {
                return unreadable(file, e);
            }
        }
        ImpactSummary summary = tally.summary();
        if (format.equals("json")) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        } else {
            out.println("base " + baseline.revision() + ", changed " + candidate.revision());
            out.print(ImpactTally.format(summary));
        }
        if (reviews > 0) {
            err.println("kakunin: " + plural(reviews, "", "sharing-review request", "")
                    + " left out: the impact preview compares assessments");
        }
        return OK;
    }

    /** A rules directory compiled, or null after its diagnostics were printed to standard error. */
    private Ruleset usable(Path dir) {
        Ruleset.Checked checked = compile(dir);
        if (!checked.usable()) {
            print(err, dir, checked.diagnostics());
            err.println("the rules in " + shown(dir) + " do not compile; nothing was evaluated");
            return null;
        }
        return checked.ruleset();
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (var list = Files.list(dir)) {
            return list.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ arguments

    private Path directory(String[] args, int index) {
        if (args.length <= index || args[index].startsWith("--")) {
            throw new UsageException("give the rules directory");
        }
        Path dir = path(args[index]);
        if (!Files.isDirectory(dir)) {
            throw new UsageException(shown(dir) + " is not a directory");
        }
        return dir;
    }

    private Path path(String argument) {
        return workingDirectory.resolve(argument).normalize();
    }

    /** A path as the user would write it: relative to the working directory when inside it. */
    private String shown(Path path) {
        Path p = path.toAbsolutePath().normalize();
        return p.startsWith(workingDirectory) && !p.equals(workingDirectory)
                ? workingDirectory.relativize(p).toString().replace('\\', '/')
                : p.toString();
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    private static double percent(String text) {
        double value;
        try {
            value = Double.parseDouble(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
        } catch (NumberFormatException e) {
            throw new UsageException("--coverage-min must be a number, was '" + text + "'");
        }
        if (!(value >= 0 && value <= 100)) {
            throw new UsageException("--coverage-min must be between 0 and 100, was '" + text + "'");
        }
        return value;
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
