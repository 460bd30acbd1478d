package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetEvent;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.RulesetTexts;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.service.ExecutorConfiguration;
import io.kakunin.service.KakuninProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The ruleset that decides verdicts now, and the earlier ones still at hand. Readers take the
 * current one in a single read, so a request is decided by one ruleset from start to end,
 * whatever is activated meanwhile; activation is one atomic swap.
 *
 * <p>Earlier revisions serve re-localization of stored verdicts from their texts alone (read
 * from the store, never compiled on a request), and re-evaluation from their compiled rules:
 * the most recent ones stay compiled in memory, any other activated one is compiled again from
 * the store on the loader's executor, with a bounded wait.
 */
@Component
public class ActiveRuleset {

    private static final Logger log = LoggerFactory.getLogger(ActiveRuleset.class);

    /**
     * A ruleset and its activation.
     *
     * @param fixtures the fixtures it passed before activation (none for the built-in ruleset)
     * @param path     where on the server it was loaded from (the rules directory, or
     *                 {@code <link> -> <target>}), or null for the built-in ruleset: for RULE_ADMIN
     *                 callers only; everyone else sees the ruleset's {@link Ruleset#source() label}
     */
    public record Activation(Ruleset ruleset, Instant activatedAt, List<FixtureCase> fixtures, String path) {
        public Activation {
            fixtures = List.copyOf(fixtures);
        }
    }

    private final AtomicReference<Activation> current = new AtomicReference<>();
    private final AtomicReference<RulesetEvent> lastRefusal = new AtomicReference<>();
    private final Map<String, Ruleset> compiled;
    private final Map<String, RulesetTexts> texts;
    private final Map<String, CompletableFuture<Ruleset>> compiling = new ConcurrentHashMap<>();
    private final RulesetStore store;
    private final RevisionCompiler compiler;
    private final Executor loader;
    private final Duration recompileWait;

    ActiveRuleset(
            KakuninProperties properties,
            RulesetStore store,
            RevisionCompiler compiler,
            @Qualifier(ExecutorConfiguration.RULESET_LOADER) Executor loader) {
        this.store = store;
        this.compiler = compiler;
        this.loader = loader;
        this.recompileWait = properties.rules().recompileWait();
        int kept = properties.rules().compiledRevisionsKept();
        this.compiled = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Ruleset> eldest) {
                return size() > kept;
            }
        };
        // Texts are small (a catalog and three bundles): more revisions stay at hand.
        int textsKept = Math.max(16, kept * 4);
        this.texts = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RulesetTexts> eldest) {
                return size() > textsKept;
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
     * The texts of a revision (titles, messages, remediation, references), if its files are still
     * available: what re-rendering a stored verdict needs. Never compiles and never waits for a
     * compile: a revision not compiled is read from the store (milliseconds) and kept.
     */
    public Optional<RulesetTexts> texts(String revision) {
        Ruleset active = ruleset();
        if (active.revision().equals(revision)) {
            return Optional.of(textsOf(active));
        }
        Ruleset kept = cached(revision);
        if (kept != null) {
            return Optional.of(textsOf(kept));
        }
        RulesetTexts read;
        synchronized (texts) {
            read = texts.get(revision);
        }
        if (read != null) {
            return Optional.of(read);
        }
        Optional<RulesetStore.Stored> stored = store.find(revision);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        RulesetTexts fresh =
                RulesetTexts.read(stored.get().files(), stored.get().source());
        synchronized (texts) {
            texts.putIfAbsent(revision, fresh);
        }
        return Optional.of(fresh);
    }

    private RulesetTexts textsOf(Ruleset ruleset) {
        synchronized (texts) {
            return texts.computeIfAbsent(ruleset.revision(), r -> RulesetTexts.of(ruleset));
        }
    }

    /**
     * The compiled ruleset of a revision, for re-evaluation: the active one, one kept compiled, or
     * one compiled again from the store on the loader's executor. The caller waits at most
     * {@code kakunin.rules.recompile-wait}; a compile that takes longer goes on, and the caller is
     * told to retry ({@link StillCompiling}). No lock is held while compiling, so nothing else
     * waits for it.
     */
    public Optional<Ruleset> compiled(String revision) {
        Ruleset active = ruleset();
        if (active.revision().equals(revision)) {
            return Optional.of(active);
        }
        Ruleset kept = cached(revision);
        if (kept != null) {
            return Optional.of(kept);
        }
        if (!store.has(revision)) {
            return Optional.empty();
        }
        CompletableFuture<Ruleset> compile = compiling.computeIfAbsent(
                revision,
                r -> CompletableFuture.supplyAsync(
                                () -> {
                                    log.info("Compiling stored ruleset {} again for a stored verdict", r);
                                    RulesetStore.Stored stored = store.find(r)
                                            .orElseThrow(() ->
                                                    new IllegalStateException("revision " + r + " left the store"));
                                    return compiler.compile(stored.files(), stored.source());
                                },
                                loader)
                        .whenComplete((ruleset, failure) -> {
                            if (ruleset != null) {
                                synchronized (compiled) {
                                    compiled.put(revision, ruleset);
                                }
                            }
                            compiling.remove(revision);
                        }));
        try {
            return Optional.of(compile.get(recompileWait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new StillCompiling(revision);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StillCompiling(revision);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "the stored ruleset " + revision + " does not compile any more", e.getCause());
        }
    }

    /** A revision is being compiled and was not ready within the wait: retry shortly. */
    public static final class StillCompiling extends RuntimeException {
        private final String revision;

        StillCompiling(String revision) {
            super("ruleset " + revision + " is still being compiled", null, false, false);
            this.revision = revision;
        }

        public String revision() {
            return revision;
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
        if (previous != null
                && !previous.ruleset().revision().equals(activation.ruleset().revision())) {
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
