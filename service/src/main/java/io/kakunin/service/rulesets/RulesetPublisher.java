package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetDiagnostic;
import io.kakunin.api.model.RulesetEvent;
import io.kakunin.api.model.RulesetEventOutcome;
import io.kakunin.api.model.RulesetTrigger;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.Verification;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.ExecutorConfiguration;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.web.Ids;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Publishes rulesets: loads the rules directory (or the built-in ruleset), compiles it, checks
 * the catalog's integrity, runs the ruleset's own fixtures, and only then activates it; a
 * ruleset that fails any of these is refused and the active one keeps serving. Every
 * activation and refusal is recorded and logged.
 *
 * <p>All loading happens on the loader executor, off the request path: requests keep being
 * decided by the active ruleset while the next one compiles, and two loads never race. So does
 * the first load: it runs when the container starts the publisher, before the web server takes
 * requests, and the service does not start if it is refused.
 */
@Component
public class RulesetPublisher implements SmartLifecycle {

    /** Started before the web server, so that the first request finds a ruleset active; stopped after it. */
    static final int PHASE = WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1024;
    /** How long a stop waits for the loads in progress; a compile with its fixtures takes seconds. */
    private static final Duration LOADS_AT_STOP = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(RulesetPublisher.class);

    /** More diagnostics than this add nothing an officer can act on; the event says how many were left out. */
    static final int MAX_DIAGNOSTICS = 200;

    private final ActiveRuleset active;
    private final RulesetStore store;
    private final RulesetVerifier verifier;
    private final Clock clock;
    private final Path directory;
    /** What verdicts and the history call where the rules came from: never a server path. */
    private final String label;

    private final Map<String, Integer> thresholds;
    private final Executor loader;
    private final Executor warmUps;
    private volatile boolean running;
    private volatile boolean warmingUp;
    private final CompletableFuture<Void> warmedUp = new CompletableFuture<>();
    /** What the last refusal was refused for: the revision and the fixtures, so that an unchanged retry is not recorded again. */
    private volatile String lastRefusedContent;

    RulesetPublisher(
            ActiveRuleset active,
            RulesetStore store,
            RulesetVerifier verifier,
            KakuninProperties properties,
            Clock clock,
            @Qualifier(ExecutorConfiguration.RULESET_LOADER) Executor loader,
            @Qualifier(ExecutorConfiguration.RULESET_WARM_UP) Executor warmUps) {
        this.active = active;
        this.store = store;
        this.verifier = verifier;
        this.clock = clock;
        this.loader = loader;
        this.warmUps = warmUps;
        this.thresholds = properties.rules().thresholds();
        Path path = properties.rules().path();
        this.directory = path == null ? null : path.toAbsolutePath().normalize();
        this.label = properties.rules().label();
    }

    /** Activates the first ruleset, compiled on the loader; a refused one stops the start with its diagnostics. */
    @Override
    public void start() {
        try {
            CompletableFuture.runAsync(this::startup, loader).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
        running = true;
    }

    /**
     * Stops a warm-up between two rounds, and lets the loads asked for before the stop finish
     * (for a bounded time) while the store and the fixture runners they need are still there:
     * a load cut off by the shutdown must not be recorded as a refusal.
     */
    @Override
    public void stop() {
        warmingUp = false;
        running = false;
        try {
            // The loader runs one task at a time, in order: once this one has run, so have the loads before it.
            CompletableFuture.runAsync(() -> {}, loader).get(LOADS_AT_STOP.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.warn(
                    "A ruleset load was still running {} s after the service began to stop", LOADS_AT_STOP.toSeconds());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The rules directory served, or null when the built-in ruleset is. */
    public Path directory() {
        return directory;
    }

    private void startup() {
        if (directory == null) {
            Ruleset ruleset = Ruleset.builtIn(thresholds).withSource(label);
            activate(ruleset, List.of(), RulesetTrigger.STARTUP, List.of(), null);
            return;
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("kakunin.rules.path " + directory + " is not a directory");
        }
        RulesetEvent event = load(RulesetTrigger.STARTUP);
        if (event.getOutcome() == RulesetEventOutcome.REFUSED) {
            StringBuilder message =
                    new StringBuilder("the ruleset in " + directory + " is refused (" + event.getErrorCount()
                            + " errors); fix it or start without kakunin.rules.path to serve the built-in ruleset:");
            event.getDiagnostics().forEach(d -> message.append("\n  ").append(format(d)));
            throw new IllegalStateException(message.toString());
        }
    }

    /**
     * Loads the rules directory again in the background.
     *
     * @return the event: ACTIVATED, REFUSED, or UNCHANGED when the directory holds the active
     *         revision already (recorded when that withdraws a refusal)
     */
    public CompletableFuture<RulesetEvent> reload(RulesetTrigger trigger) {
        if (directory == null) {
            throw new IllegalStateException("the built-in ruleset is served; there is no rules directory to load");
        }
        // A real load needs the cores now; the warm-up has done what it could.
        warmingUp = false;
        return CompletableFuture.supplyAsync(() -> load(trigger), loader);
    }

    /** Completes when the warm-up has ended (done, or stopped for a real load). */
    CompletableFuture<Void> warmedUp() {
        return warmedUp;
    }

    /**
     * Compiles and tests the active ruleset again a few times in the background, discarding the
     * result, so that the first edit an officer publishes is compiled by a JIT-compiled Drools:
     * the first compile in a JVM takes 3 to 4 times as long as later ones. Stops as soon as a
     * real load starts. Only worth it where edits are published while the service runs.
     */
    void warmUp(int rounds) {
        ActiveRuleset.Activation activation = active.current();
        warmingUp = true;
        warmUps.execute(() -> {
            long start = System.nanoTime();
            int done = 0;
            try {
                for (; done < rounds && warmingUp; done++) {
                    long round = System.nanoTime();
                    // Compiled for real: a check would find the active rules compiled already, and warm nothing.
                    Ruleset compiled = Ruleset.compile(activation.ruleset().files(), "warm-up");
                    if (warmingUp && !activation.fixtures().isEmpty()) {
                        verifier.verify(compiled, new FixtureCase.Scan(activation.fixtures(), List.of()));
                    }
                    log.debug("Warm-up round {}: {} ms", done + 1, (System.nanoTime() - round) / 1_000_000);
                }
            } catch (RuntimeException e) {
                log.debug("Warming up the ruleset compiler failed; the next load is only slower", e);
            } finally {
                log.debug(
                        "Ruleset compiler warmed up: {} rounds in {} ms",
                        done,
                        (System.nanoTime() - start) / 1_000_000);
                warmedUp.complete(null);
            }
        });
    }

    private RulesetEvent load(RulesetTrigger trigger) {
        long start = System.nanoTime();
        RulesetEvent event = loadAndDecide(trigger);
        log.debug(
                "{} ruleset {} from {} on {} in {} ms",
                event.getOutcome(),
                event.getRevision(),
                event.getPath(),
                trigger,
                (System.nanoTime() - start) / 1_000_000);
        return event;
    }

    private RulesetEvent loadAndDecide(RulesetTrigger trigger) {
        String path = directory.toString();
        RulesetFiles files;
        FixtureCase.Scan fixtures;
        try {
            // Resolved once: the rules and the fixtures come from the same release even if a
            // symbolic link is switched to another one meanwhile.
            Path real = directory.toRealPath();
            if (Files.isSymbolicLink(directory)) {
                path = directory + " -> " + real;
            }
            files = Ruleset.effectiveFiles(RulesetFiles.fromDirectory(real), thresholds);
            Path fixtureDir = real.resolve("fixtures");
            fixtures = Files.isDirectory(fixtureDir)
                    ? FixtureCase.scan(fixtureDir)
                    : new FixtureCase.Scan(List.of(), List.of());
        } catch (IOException | RuntimeException e) {
            return refuse(
                    trigger,
                    null,
                    null,
                    path,
                    null,
                    0,
                    List.of(Diagnostic.error("", "the rules directory cannot be read: " + e.getMessage())));
        }
        // What is published is the rules and their fixtures: a change to either is checked. The
        // revision stays the digest of the rule files alone, since verdicts carry it.
        String fixtureDigest = digest(fixtures);
        String content = files.revision() + "|" + fixtureDigest;
        ActiveRuleset.Activation current = trigger == RulesetTrigger.STARTUP ? null : active.current();
        if (current != null
                && files.revision().equals(current.ruleset().revision())
                && fixtureDigest.equals(digest(new FixtureCase.Scan(current.fixtures(), List.of())))) {
            return unchanged(trigger, current, path);
        }
        if (trigger == RulesetTrigger.WATCH
                && content.equals(lastRefusedContent)
                && active.lastRefusal().isPresent()) {
            return active.lastRefusal().get();
        }
        if (current != null && files.revision().equals(current.ruleset().revision())) {
            return fixturesChanged(trigger, current, fixtures, path, content);
        }
        Verification verification;
        try {
            // Thresholds are in the files already: no overrides a second time. The ruleset is named by
            // its label: its verdicts go to callers who are not to learn the server's paths.
            verification =
                    verifier.verify(files, label, Map.of(), current == null ? null : current.ruleset(), fixtures);
        } catch (RuntimeException e) {
            log.error("Checking the ruleset in {} failed unexpectedly", path, e);
            return refuse(
                    trigger,
                    files.revision(),
                    null,
                    path,
                    null,
                    0,
                    List.of(Diagnostic.error("", "the ruleset could not be checked: " + e)));
        }
        int fixtureCount = verification.fixtures() == null
                ? 0
                : verification.fixtures().cases().size();
        if (!verification.accepted()) {
            Ruleset refused = verification.ruleset();
            lastRefusedContent = content;
            return refuse(
                    trigger,
                    files.revision(),
                    refused == null ? null : refused.version(),
                    path,
                    refused == null ? null : refused.rules().size(),
                    fixtureCount,
                    verification.diagnostics());
        }
        lastRefusedContent = null;
        return activate(verification.ruleset(), fixtures.cases(), trigger, verification.diagnostics(), path);
    }

    /**
     * The directory holds the active revision and its fixtures. Nothing is recorded, except when
     * that ends a refusal: a refused edit was undone (or fixed back to what is active), and the
     * record says so, so that its newest entry is not a refusal that no longer stands.
     */
    private RulesetEvent unchanged(RulesetTrigger trigger, ActiveRuleset.Activation current, String path) {
        Ruleset ruleset = current.ruleset();
        RulesetEvent event = event(
                trigger,
                RulesetEventOutcome.UNCHANGED,
                ruleset.revision(),
                ruleset.version(),
                path,
                ruleset.rules().size(),
                current.fixtures().size(),
                List.of());
        Optional<RulesetEvent> refusal = active.lastRefusal();
        if (refusal.isPresent()) {
            // Recorded before the refusal is cleared: whoever sees it cleared finds the event.
            event = store.record(event);
            log.info(
                    "Ruleset {} in {} is the active one again on {}: the refused change ({}) was withdrawn",
                    ruleset.revision(),
                    path,
                    trigger,
                    refusal.get().getRevision() == null
                            ? "unreadable"
                            : refusal.get().getRevision());
        }
        active.clearRefusal();
        lastRefusedContent = null;
        return event;
    }

    /**
     * The rules are the active revision's, the fixtures are not: they are run against the active
     * ruleset (nothing to compile). If they pass they become the active fixture set (what
     * validation against the active ruleset runs); if one fails, or a fixture folder is broken,
     * the change is refused like any other and shows as the last refusal.
     */
    private RulesetEvent fixturesChanged(
            RulesetTrigger trigger,
            ActiveRuleset.Activation current,
            FixtureCase.Scan fixtures,
            String path,
            String content) {
        Ruleset ruleset = current.ruleset();
        List<Diagnostic> diagnostics = verifier.verify(ruleset, fixtures).diagnostics();
        int fixtureCount = fixtures.cases().size();
        if (diagnostics.stream().anyMatch(Diagnostic::isError)) {
            lastRefusedContent = content;
            return refuse(
                    trigger,
                    ruleset.revision(),
                    ruleset.version(),
                    path,
                    ruleset.rules().size(),
                    fixtureCount,
                    diagnostics);
        }
        lastRefusedContent = null;
        active.activate(new ActiveRuleset.Activation(ruleset, current.activatedAt(), fixtures.cases(), path));
        RulesetEvent event = store.record(event(
                trigger,
                RulesetEventOutcome.ACTIVATED,
                ruleset.revision(),
                ruleset.version(),
                path,
                ruleset.rules().size(),
                fixtureCount,
                List.of()));
        log.info(
                "Ruleset {} keeps deciding with its changed fixtures on {}: {} fixtures passed",
                ruleset.revision(),
                trigger,
                fixtureCount);
        return event;
    }

    /** @param path where the rules were read from on the server, or null for the built-in ruleset */
    private RulesetEvent activate(
            Ruleset ruleset,
            List<FixtureCase> fixtures,
            RulesetTrigger trigger,
            List<Diagnostic> warnings,
            String path) {
        Ruleset previous = activeRulesetOrNull();
        List<Diagnostic> noted = new ArrayList<>(warnings);
        boolean sameVersion = previous != null
                && !previous.revision().equals(ruleset.revision())
                && previous.version().equals(ruleset.version());
        if (sameVersion) {
            noted.add(sameVersion(ruleset, previous));
        }
        store.keep(ruleset);
        active.activate(new ActiveRuleset.Activation(ruleset, clock.instant(), fixtures, path));
        RulesetEvent event = store.record(event(
                trigger,
                RulesetEventOutcome.ACTIVATED,
                ruleset.revision(),
                ruleset.version(),
                path,
                ruleset.rules().size(),
                fixtures.size(),
                noted));
        log.info(
                "Activated ruleset {} (version {}{}, {}) on {}: {} rules, {} recommendations, {} fixtures passed",
                ruleset.revision(),
                ruleset.version(),
                sameVersion ? ", the version of the revision it replaces" : "",
                path == null ? ruleset.source() : path,
                trigger,
                ruleset.rules().size(),
                ruleset.catalog().entries().size(),
                fixtures.size());
        return event;
    }

    private Ruleset activeRulesetOrNull() {
        try {
            return active.current().ruleset();
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /**
     * A release that keeps the version of the one it replaces: verdicts, the record and the log
     * show the version to people, who cannot tell the two apart by it. At the catalog's
     * {@code version:}, where it is set.
     */
    private static Diagnostic sameVersion(Ruleset ruleset, Ruleset previous) {
        int line = 0;
        int column = 0;
        String[] lines = ruleset.files().text("catalog.yaml").split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("version:")) {
                line = i + 1;
                column = lines[i].length() > "version:".length()
                        ? lines[i].indexOf(
                                        lines[i].substring("version:".length()).strip())
                                + 1
                        : 1;
                break;
            }
        }
        return new Diagnostic(
                "catalog.yaml",
                line,
                column,
                Diagnostic.Severity.WARNING,
                "version " + ruleset.version() + " is also the version of " + previous.revision()
                        + ", which served before with other files: give each release a version of its own here");
    }

    private RulesetEvent refuse(
            RulesetTrigger trigger,
            String revision,
            String version,
            String path,
            Integer ruleCount,
            int fixtureCount,
            List<Diagnostic> diagnostics) {
        RulesetEvent event = store.record(event(
                trigger, RulesetEventOutcome.REFUSED, revision, version, path, ruleCount, fixtureCount, diagnostics));
        active.refused(event);
        // One line per decision; every diagnostic is in the event (GET /v1/rulesets, lastRefusal).
        log.warn(
                "Refused ruleset {} from {} on {}: {} error{}, the first {}; still serving {}",
                revision == null ? "(unreadable)" : revision,
                path,
                trigger,
                event.getErrorCount(),
                event.getErrorCount() == 1 ? "" : "s",
                event.getDiagnostics().isEmpty()
                        ? "(none listed)"
                        : format(event.getDiagnostics().get(0)),
                activeRevision());
        return event;
    }

    private String activeRevision() {
        try {
            return active.current().ruleset().revision();
        } catch (IllegalStateException e) {
            return "nothing yet";
        }
    }

    /** @param path where the rules were read from on the server, or null for the built-in ruleset */
    private RulesetEvent event(
            RulesetTrigger trigger,
            RulesetEventOutcome outcome,
            String revision,
            String version,
            String path,
            Integer ruleCount,
            int fixtureCount,
            List<Diagnostic> diagnostics) {
        List<Diagnostic> ordered = new ArrayList<>(diagnostics);
        ordered.sort(Comparator.comparing((Diagnostic d) -> d.isError() ? 0 : 1));
        List<RulesetDiagnostic> shown = new ArrayList<>();
        for (Diagnostic d : ordered.subList(0, Math.min(ordered.size(), MAX_DIAGNOSTICS))) {
            shown.add(RulesetViews.diagnostic(d));
        }
        if (ordered.size() > MAX_DIAGNOSTICS) {
            shown.add(new RulesetDiagnostic()
                    .file("")
                    .line(0)
                    .column(0)
                    .severity(RulesetDiagnostic.SeverityEnum.ERROR)
                    .message("and " + (ordered.size() - MAX_DIAGNOSTICS) + " more problems"));
        }
        return new RulesetEvent()
                .id(Ids.newId(clock))
                .occurredAt(clock.instant().atOffset(ZoneOffset.UTC))
                .revision(revision)
                .version(version)
                .source(label)
                .path(path)
                .trigger(trigger)
                .outcome(outcome)
                .ruleCount(ruleCount)
                .fixtureCount(fixtureCount)
                .errorCount(
                        (int) diagnostics.stream().filter(Diagnostic::isError).count())
                .diagnostics(shown);
    }

    static String format(RulesetDiagnostic d) {
        return d.getFile() + ":" + d.getLine() + ":" + d.getColumn() + ": "
                + d.getSeverity().getValue().toLowerCase(java.util.Locale.ROOT) + ": " + d.getMessage();
    }

    /** A digest of fixtures, in name order, and of the problems found among them. */
    private static String digest(FixtureCase.Scan fixtures) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<FixtureCase> cases = new ArrayList<>(fixtures.cases());
            cases.sort(Comparator.comparing(FixtureCase::name));
            for (FixtureCase c : cases) {
                for (byte[] part : new byte[][] {
                    c.name().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    c.request(),
                    c.expected(),
                    c.expectedJcStar() == null ? new byte[0] : c.expectedJcStar(),
                    c.waivers() == null ? new byte[0] : c.waivers(),
                    c.settings() == null ? new byte[0] : c.settings()
                }) {
                    sha.update(ByteBuffer.allocate(4).putInt(part.length).array());
                    sha.update(part);
                }
            }
            fixtures.problems()
                    .forEach(p -> sha.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
