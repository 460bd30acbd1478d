package io.kakunin.service.rulesets;

import io.kakunin.api.model.Ruleset;
import io.kakunin.api.model.RulesetEvent;
import io.kakunin.api.model.RulesetEventList;
import io.kakunin.api.model.RulesetEventOutcome;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.security.Caller;
import io.kakunin.service.storage.Page;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What has been served and when: the active ruleset, the history of activations and refusals,
 * and the files of any activated revision, each as a caller may see it (server paths for those
 * who manage the rules only). {@code GET /v1/rulesets/active}, {@code GET /v1/rulesets} and the
 * console's ruleset pages all read them here, so a page shows what the API answers.
 */
@Component
public class RulesetHistory {

    /** The page size of the history when a caller names none. */
    public static final int DEFAULT_LIMIT = 50;

    /** How many events at most are read to list the revisions ever activated. */
    private static final int MAX_EVENTS_SCANNED = 2000;

    private static final int SCAN_PAGE = 200;

    /** An activated revision and when it was (last) activated. */
    public record Activated(String revision, String version, OffsetDateTime activatedAt) {}

    private final ActiveRuleset active;
    private final RulesetStore store;
    private final RulesetWatcher watcher;

    RulesetHistory(ActiveRuleset active, RulesetStore store, RulesetWatcher watcher) {
        this.active = active;
        this.store = store;
        this.watcher = watcher;
    }

    /** The active ruleset, as {@code GET /v1/rulesets/active} answers it to the caller. */
    public Ruleset active(Caller caller) {
        ActiveRuleset.Activation activation = active.current();
        io.kakunin.kb.Ruleset ruleset = activation.ruleset();
        boolean paths = RulesetViews.showsPaths(caller);
        return new Ruleset()
                .revision(ruleset.revision())
                .version(ruleset.version())
                .source(ruleset.source())
                .path(paths ? activation.path() : null)
                .activatedAt(activation.activatedAt().atOffset(ZoneOffset.UTC))
                .ruleCount(ruleset.rules().size())
                .recommendationCount(ruleset.catalog().entries().size())
                .files(ruleset.files().files().keySet().stream().toList())
                .fixtureCount(activation.fixtures().size())
                .watching(watcher.watching())
                .lastRefusal(active.lastRefusal()
                        .map(e -> RulesetViews.event(e, paths))
                        .orElse(null));
    }

    /**
     * A page of the history, newest first, as {@code GET /v1/rulesets} answers it to the caller.
     *
     * @param limit  the page size, {@link #DEFAULT_LIMIT} when null
     * @param cursor the {@code nextCursor} of the previous page, or null for the first; one the
     *               service did not give is a 400 naming {@code cursor}
     */
    public RulesetEventList events(Integer limit, String cursor, Caller caller) {
        Page<RulesetEvent> page = store.events(limit == null ? DEFAULT_LIMIT : limit, cursor);
        boolean paths = RulesetViews.showsPaths(caller);
        return new RulesetEventList()
                .items(new ArrayList<>(page.items().stream()
                        .map(e -> RulesetViews.event(e, paths))
                        .toList()))
                .nextCursor(page.nextCursor());
    }

    /**
     * The revisions activated, most recently activated first, each once, the active one among
     * them: what there is to compare. Reads at most the latest {@value #MAX_EVENTS_SCANNED} events.
     */
    public List<Activated> activated() {
        Map<String, Activated> seen = new LinkedHashMap<>();
        ActiveRuleset.Activation current = active.current();
        String cursor = null;
        int scanned = 0;
        do {
            Page<RulesetEvent> page = store.events(SCAN_PAGE, cursor);
            for (RulesetEvent e : page.items()) {
                if (e.getOutcome() == RulesetEventOutcome.ACTIVATED && e.getRevision() != null) {
                    seen.putIfAbsent(
                            e.getRevision(), new Activated(e.getRevision(), e.getVersion(), e.getOccurredAt()));
                }
            }
            scanned += page.items().size();
            cursor = page.nextCursor();
        } while (cursor != null && scanned < MAX_EVENTS_SCANNED);
        String revision = current.ruleset().revision();
        if (!seen.containsKey(revision)) {
            Map<String, Activated> withActive = new LinkedHashMap<>();
            withActive.put(
                    revision,
                    new Activated(
                            revision,
                            current.ruleset().version(),
                            current.activatedAt().atOffset(ZoneOffset.UTC)));
            withActive.putAll(seen);
            return List.copyOf(withActive.values());
        }
        return List.copyOf(seen.values());
    }

    /**
     * The files of a revision: the active one's, or an earlier activated one's as kept when it
     * was activated (never compiled for this); empty when no activation kept it.
     */
    public Optional<RulesetFiles> files(String revision) {
        io.kakunin.kb.Ruleset serving = active.ruleset();
        if (serving.revision().equals(revision)) {
            return Optional.of(serving.files());
        }
        return store.find(revision).map(RulesetStore.Stored::files);
    }
}
