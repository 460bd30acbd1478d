package io.kakunin.service.rulesets;

import io.kakunin.kb.Ruleset;
import io.kakunin.service.KakuninProperties;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The ruleset that decides verdicts now. Readers take the current one in a single read, so a
 * request is decided by one ruleset from start to end, whatever happens meanwhile.
 */
@Component
public class ActiveRuleset {

    private static final Logger log = LoggerFactory.getLogger(ActiveRuleset.class);

    /** A ruleset and when it became active. */
    public record Activation(Ruleset ruleset, Instant activatedAt) {
    }

    private final AtomicReference<Activation> current;

    ActiveRuleset(KakuninProperties properties) {
        Ruleset ruleset = Ruleset.builtIn(properties.rules().thresholds());
        this.current = new AtomicReference<>(new Activation(ruleset, Instant.now()));
        log.info("Active ruleset {} (version {}, {}), {} rules, {} recommendations",
                ruleset.revision(), ruleset.version(), ruleset.source(), ruleset.rules().size(), ruleset.catalog().entries().size());
    }

    public Activation current() {
        return current.get();
    }

    public Ruleset ruleset() {
        return current.get().ruleset();
    }

    /** A ruleset held by the service with the given revision, if any. */
    public Optional<Ruleset> byRevision(String revision) {
        Ruleset active = ruleset();
        return active.revision().equals(revision) ? Optional.of(active) : Optional.empty();
    }
}
