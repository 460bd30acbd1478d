package io.kakunin.service.rulesets;

import io.kakunin.kb.Ruleset;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.PublicationGate;
import io.kakunin.kb.fixtures.Verification;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.ExecutorConfiguration;
import io.kakunin.service.KakuninProperties;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The service's door to {@link PublicationGate}, the one gate that {@code kakunin test} runs too:
 * the same checks, with the policy from {@code kakunin.rules.coverage-min} (the same default). It
 * adds only where the fixtures run: on the fixtures executor, every core, since on the 2-core
 * machines the service runs on, the fixture run of a whole ruleset is a third of the time an
 * edit takes to go live.
 */
@Component
class RulesetVerifier {

    private static final Logger log = LoggerFactory.getLogger(RulesetVerifier.class);

    private final Executor fixtures;
    private final PublicationGate.Policy policy;

    RulesetVerifier(KakuninProperties properties, @Qualifier(ExecutorConfiguration.FIXTURES) Executor fixtures) {
        this.policy = properties.rules().gatePolicy();
        this.fixtures = fixtures;
    }

    /**
     * Passes a ruleset through the gate: compiled, checked, its fixtures run and its coverage judged.
     *
     * @param thresholds overrides applied to the files before compiling (none when they are in the files already)
     * @param sameRules  a ruleset whose compiled rules serve when the rule files are its own (the
     *                   active one: an edit of texts or fixtures compiles nothing); may be null
     */
    Verification verify(
            RulesetFiles files,
            String source,
            Map<String, Integer> thresholds,
            Ruleset sameRules,
            FixtureCase.Scan scan) {
        long start = System.nanoTime();
        Verification verification = PublicationGate.verify(
                files, source, thresholds, sameRules, scan, policy, fixtures, PublicationGate.Progress.NONE);
        log.debug(
                "Verified {} in {} ms: {} errors",
                source,
                (System.nanoTime() - start) / 1_000_000,
                verification.errorCount());
        return verification;
    }

    /** Passes a changed set of fixtures through the gate, against a ruleset that passed it already. */
    Verification verify(Ruleset ruleset, FixtureCase.Scan scan) {
        return PublicationGate.verify(ruleset, scan, policy, fixtures);
    }
}
