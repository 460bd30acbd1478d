package io.kakunin.service.drafts;

import io.kakunin.service.security.Caller;
import io.kakunin.service.web.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Self-assessment drafts: a questionnaire's answers kept for the caller who saved them, to resume
 * later. A draft is the caller's alone (another caller's draft is not found, never shown), at most
 * {@link #MAX_PER_CALLER} of them, and it decides nothing: only a submitted questionnaire becomes an
 * assessment, through the same service as {@code POST /v1/assessments}.
 */
@Service
public class Drafts {

    /** How many drafts one caller keeps at most: a draft is work in progress, not an archive. */
    public static final int MAX_PER_CALLER = 20;

    private static final TypeReference<LinkedHashMap<String, List<String>>> ANSWERS = new TypeReference<>() {};

    /** One draft: when it was saved, what it is about, and the form's answers by field. */
    public record Draft(UUID id, Instant savedAt, String label, Map<String, List<String>> answers) {}

    /** What became of a save. */
    public record Saved(UUID id, boolean tooMany) {}

    private final DraftStore store;
    private final JsonMapper json;
    private final Clock clock;

    Drafts(DraftStore store, JsonMapper json, Clock clock) {
        this.store = store;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Saves the caller's answers: replaces the caller's draft {@code id}, or starts a new draft when
     * {@code id} is null or not the caller's. A new draft beyond {@link #MAX_PER_CALLER} is refused
     * ({@code tooMany}), and nothing is written.
     */
    public Saved save(UUID id, String label, Map<String, List<String>> answers) {
        String owner = Caller.current().id();
        String text = json.writeValueAsString(answers);
        String shortLabel = label.length() > 200 ? label.substring(0, 200) : label;
        if (id != null && store.find(id, owner).isPresent()) {
            store.save(id, owner, clock.instant(), shortLabel, text);
            return new Saved(id, false);
        }
        if (store.count(owner) >= MAX_PER_CALLER) {
            return new Saved(null, true);
        }
        UUID fresh = Ids.newId(clock);
        store.save(fresh, owner, clock.instant(), shortLabel, text);
        return new Saved(fresh, false);
    }

    /** The caller's draft, if it is theirs. */
    public Optional<Draft> find(UUID id) {
        return store.find(id, Caller.current().id()).map(this::draft);
    }

    /** The caller's drafts, the last saved first. */
    public List<Draft> mine() {
        return store.list(Caller.current().id(), MAX_PER_CALLER).stream()
                .map(this::draft)
                .toList();
    }

    /** Deletes the caller's draft (nothing happens to another's). */
    public void delete(UUID id) {
        store.delete(id, Caller.current().id());
    }

    private Draft draft(DraftStore.Row row) {
        return new Draft(row.id(), row.savedAt(), row.label(), json.readValue(row.answersJson(), ANSWERS));
    }
}
