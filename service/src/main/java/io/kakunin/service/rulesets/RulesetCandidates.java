package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetUpload;
import io.kakunin.api.model.ValidationReport;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.FixtureSuite;
import io.kakunin.kb.fixtures.Verification;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.web.ApiProblem;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * A candidate ruleset that is not (yet) active: read from an upload and passed through the
 * publication gate, as {@code POST /v1/rulesets/validate} does, for validation and for the impact
 * preview alike (one reader, one check); or a revision in the store, compiled again. At most
 * {@code kakunin.rules.max-concurrent-validations} candidates compile at once: each takes a core
 * for seconds.
 */
@Component
public class RulesetCandidates {

    /** How long a validation waits for a free compile slot before it is told to retry. */
    private static final long VALIDATION_WAIT_SECONDS = 10;

    /** The files of an upload, with the fixtures among them. */
    public record Candidate(RulesetFiles files, FixtureCase.Scan fixtures) {}

    /**
     * What the gate found, the compiled ruleset when it compiled, and the fixture run case by case
     * when it ran (the report counts it; the console lists it).
     */
    public record Checked(ValidationReport report, Ruleset ruleset, FixtureSuite.Report fixtures) {}

    private final ActiveRuleset active;
    private final RulesetVerifier verifier;
    private final Map<String, Integer> thresholds;
    private final Semaphore validations;

    RulesetCandidates(ActiveRuleset active, RulesetVerifier verifier, KakuninProperties properties) {
        this.active = active;
        this.verifier = verifier;
        this.thresholds = properties.rules().thresholds();
        this.validations = new Semaphore(properties.rules().maxConcurrentValidations(), true);
    }

    /** Reads an upload as validation does; a wrong path or content is a 400 naming it. */
    public Candidate read(RulesetUpload upload) {
        return RulesetsController.read(upload, active.current());
    }

    /** The revision the candidate's files will have once compiled (no compile needed). */
    public String revision(Candidate candidate) {
        return Ruleset.effectiveFiles(candidate.files(), thresholds).revision();
    }

    /**
     * Passes a candidate through the gate, waiting at most a few seconds for a free compile slot
     * (a request thread: it is then told to retry, 503).
     */
    public Checked check(Candidate candidate) {
        boolean acquired;
        try {
            acquired = validations.tryAcquire(VALIDATION_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw ApiProblem.busy("Other rulesets are being validated; retry shortly.", 5);
        }
        return checkHoldingSlot(candidate);
    }

    /** {@link #check}, waiting as long as it takes for a slot: for a job, which has no caller waiting. */
    public Checked checkWhenFree(Candidate candidate) throws InterruptedException {
        validations.acquire();
        return checkHoldingSlot(candidate);
    }

    private Checked checkHoldingSlot(Candidate candidate) {
        try {
            Verification verification = verifier.verify(
                    candidate.files(), "validation", thresholds, active.ruleset(), candidate.fixtures());
            return new Checked(
                    RulesetsController.report(verification, revision(candidate)),
                    verification.ruleset(),
                    verification.fixtures());
        } finally {
            validations.release();
        }
    }

    /**
     * A revision in the store, compiled (or kept compiled); empty when the store does not have it.
     *
     * @throws ActiveRuleset.StillCompiling when its compile takes longer than the configured wait
     */
    public Optional<Ruleset> stored(String revision) {
        return active.compiled(revision);
    }

    /** Whether the store has a revision, without compiling it. */
    public boolean isAvailable(String revision) {
        return active.isAvailable(revision);
    }
}
