package io.kakunin.service.rulesets;

import io.kakunin.kb.Diagnostic;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.RulesetFiles;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.FixtureSuite;
import io.kakunin.kb.fixtures.Verification;
import io.kakunin.service.ExecutorConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Checks a ruleset for publication as {@link Verification#of} does (compile, integrity, its
 * own fixtures) but runs the fixtures on every core: on the 2-core machines the service runs
 * on, the fixture run of a whole ruleset is a third of the time an edit takes to go live. It
 * also runs fixtures alone against a compiled ruleset, for a change to the fixtures only.
 */
@Component
class RulesetVerifier {

    /** At most this many mismatches of one fixture are reported; the rest add nothing new (as {@link Verification}). */
    static final int MISMATCHES_PER_FIXTURE = 10;

    private static final Logger log = LoggerFactory.getLogger(RulesetVerifier.class);

    private final Executor fixtures;
    private final int parallelism;

    RulesetVerifier(@Qualifier(ExecutorConfiguration.FIXTURES) Executor fixtures) {
        this.fixtures = fixtures;
        this.parallelism = Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Compiles and checks a ruleset, then runs the fixtures against it.
     *
     * @param thresholds overrides applied to the files before compiling (none when they are in the files already)
     */
    Verification verify(RulesetFiles files, String source, Map<String, Integer> thresholds, FixtureCase.Scan scan) {
        // The fixtures' own problems (a folder without expected.json) are reported with the compile's.
        long start = System.nanoTime();
        Verification compiled = Verification.of(files, source, thresholds, new FixtureCase.Scan(List.of(), scan.problems()));
        long checked = System.nanoTime();
        if (compiled.ruleset() == null || scan.cases().isEmpty()) {
            log.debug("Compiled and checked {} in {} ms", source, (checked - start) / 1_000_000);
            return compiled;
        }
        Run run = run(compiled.ruleset(), scan.cases());
        log.debug("Compiled and checked {} in {} ms, ran {} fixtures in {} ms", source, (checked - start) / 1_000_000, scan.cases().size(),
                (System.nanoTime() - checked) / 1_000_000);
        List<Diagnostic> diagnostics = new ArrayList<>(compiled.diagnostics());
        diagnostics.addAll(run.diagnostics());
        return new Verification(compiled.ruleset(), diagnostics, run.report());
    }

    /** Fixtures run against a ruleset, and a diagnostic per mismatch (located at the fixture's expected.json). */
    record Run(FixtureSuite.Report report, List<Diagnostic> diagnostics) {
        boolean passed() {
            return diagnostics.stream().noneMatch(Diagnostic::isError);
        }
    }

    /** Runs fixtures against a compiled ruleset, in parallel; results in the fixtures' order. */
    Run run(Ruleset ruleset, List<FixtureCase> cases) {
        List<CompletableFuture<FixtureSuite.CaseResult>> futures = new ArrayList<>(cases.size());
        if (parallelism == 1 || cases.size() < 2) {
            cases.forEach(c -> futures.add(CompletableFuture.completedFuture(FixtureSuite.run(ruleset, c))));
        } else {
            cases.forEach(c -> futures.add(CompletableFuture.supplyAsync(() -> FixtureSuite.run(ruleset, c), fixtures)));
        }
        List<FixtureSuite.CaseResult> results = new ArrayList<>(cases.size());
        Set<String> fired = new TreeSet<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (CompletableFuture<FixtureSuite.CaseResult> future : futures) {
            FixtureSuite.CaseResult result = future.join();
            results.add(result);
            fired.addAll(result.firedRules());
            List<String> mismatches = result.mismatches();
            String file = "fixtures/" + result.fixture().name() + "/expected.json";
            for (int i = 0; i < Math.min(mismatches.size(), MISMATCHES_PER_FIXTURE); i++) {
                diagnostics.add(Diagnostic.error(file, "fixture " + result.fixture().name() + " fails: " + mismatches.get(i)));
            }
            if (mismatches.size() > MISMATCHES_PER_FIXTURE) {
                diagnostics.add(Diagnostic.error(file, "fixture " + result.fixture().name() + " fails: and "
                        + (mismatches.size() - MISMATCHES_PER_FIXTURE) + " more mismatches"));
            }
        }
        return new Run(new FixtureSuite.Report(List.copyOf(results), new TreeSet<>(ruleset.rules().keySet()), fired), diagnostics);
    }
}
