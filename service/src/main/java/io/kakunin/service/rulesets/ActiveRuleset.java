package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetEvent;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.service.KakuninProperties;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The ruleset that decides verdicts now, and the earlier ones still at hand. Readers take the
 * current one in a single read, so a request is decided by one ruleset from start to end,
 * whatever is activated meanwhile; activation is one atomic swap.
 *
 * <p>Earlier revisions serve re-evaluation and re-localization of stored verdicts: the most
 * recent ones stay compiled in memory, any other activated one is compiled again from the
 * store on demand.
 */
@Component
public class ActiveRuleset {

    private static final Logger log = LoggerFactory.getLogger(ActiveRuleset.class);

    /**
     * A ruleset and its activation.
     *
     * @param fixtures  the fixtures it passed before activation (none for the built-in ruleset)
     * @param directory the rules directory it was loaded from, or null for the built-in ruleset
     */
    public record Activation(Ruleset ruleset, Instant activatedAt, List<FixtureCase> fixtures, Path directory) {
        public Activation {
            fixtures = List.copyOf(fixtures);
        }
    }

    private final AtomicReference<Activation> current = new AtomicReference<>();
    private final AtomicReference<RulesetEvent> lastRefusal = new AtomicReference<>();
    private final Map<String, Ruleset> compiled;
    private final Object compiling = new Object();
    private final RulesetStore store;

    ActiveRuleset(KakuninProperties properties, RulesetStore store) {
        this.store = store;
        int kept = properties.rules().compiledRevisionsKept();
        this.compiled = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Ruleset> eldest) {
                return size() > kept;
            }
        };
    }

    /** The current activation; there is one from startup on. */
    public Activation current() {
        Activation activation = current.get();
        if (activation == null) {
            throw new IllegalStateException("no ruleset is active yet");
        }
        return activation;
    }

    public Ruleset ruleset() {
        return current().ruleset();
    }

    /** The most recent refusal since the active ruleset was activated, if any. */
    public Optional<RulesetEvent> lastRefusal() {
        return Optional.ofNullable(lastRefusal.get());
    }

    /**
     * The ruleset of a revision, if its rules are still available: the active one, one kept
     * compiled, or one compiled again from the store (which takes seconds, once).
     */
    public Optional<Ruleset> byRevision(String revision) {
        Ruleset active = ruleset();
        if (active.revision().equals(revision)) {
            return Optional.of(active);
        }
        Ruleset kept = cached(revision);
        if (kept != null) {
            return Optional.of(kept);
        }
        synchronized (compiling) {
            kept = cached(revision);
            if (kept != null) {
                return Optional.of(kept);
            }
            Optional<RulesetStore.Stored> stored = store.find(revision);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            log.info("Compiling stored ruleset {} again for a stored verdict", revision);
            Ruleset ruleset = Ruleset.compile(stored.get().files(), stored.get().source());
            synchronized (compiled) {
                compiled.put(revision, ruleset);
            }
            return Optional.of(ruleset);
        }
    }

    /** Whether a revision's rules are still available, without compiling anything. */
    public boolean isAvailable(String revision) {
        return ruleset().revision().equals(revision) || cached(revision) != null || store.has(revision);
    }

    private Ruleset cached(String revision) {
        synchronized (compiled) {
            return compiled.get(revision);
        }
    }

    /** Makes a ruleset the active one; the one it replaces stays at hand for its verdicts. */
    void activate(Activation activation) {
        Activation previous = current.getAndSet(activation);
        lastRefusal.set(null);
        if (previous != null && !previous.ruleset().revision().equals(activation.ruleset().revision())) {
            synchronized (compiled) {
                compiled.put(previous.ruleset().revision(), previous.ruleset());
            }
        }
    }

    /** The directory holds the active ruleset again: an earlier refusal no longer stands for anything pending. */
    void clearRefusal() {
        lastRefusal.set(null);
    }

    void refused(RulesetEvent refusal) {
        lastRefusal.set(refusal);
    }
}
