package io.kakunin.kb;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.MeasureSummary;
import io.kakunin.api.model.Reference;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.Source;
import io.kakunin.kb.input.Json;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;

/**
 * The form a verdict is stored in: everything the rules decided (outcomes, evidence, missing
 * facts, the rules that fired, levels, counts, the ruleset revision), without what the
 * revision's catalog and message bundles render from it (titles, messages, remediation,
 * references, evidence types, sources). Those are written again when the verdict is read, by the same revision, whose
 * files the service keeps: the stored form is half the size, and a verdict can be read in any
 * of the three languages from one record.
 */
public final class StoredVerdicts {

    /** Ignores the rendered parts of a result. */
    private abstract static class LeanResult {
        @JsonIgnore
        abstract String getTitle();

        @JsonIgnore
        abstract String getMessage();

        @JsonIgnore
        abstract String getRemediation();

        @JsonIgnore
        abstract List<Reference> getReferences();

        @JsonIgnore
        abstract List<io.kakunin.api.model.EvidenceType> getEvidenceTypes();

        @JsonIgnore
        abstract List<Source> getSources();
    }

    /** Ignores the rendered title of a measure. */
    private abstract static class LeanMeasure {
        @JsonIgnore
        abstract String getTitle();
    }

    private static final JsonMapper LEAN = Json.mapper()
            .rebuild()
            .addMixIn(Result.class, LeanResult.class)
            .addMixIn(MeasureSummary.class, LeanMeasure.class)
            .build();

    private StoredVerdicts() {}

    /** The stored form of a verdict, as JSON. */
    public static String toJson(Assessment verdict) {
        return LEAN.writeValueAsString(verdict);
    }

    /** A stored verdict, not yet rendered. */
    public static Assessment fromJson(String json) {
        return Json.mapper().readValue(json, Assessment.class);
    }

    /**
     * Renders a stored verdict in a language with the ruleset that decided it (which must be
     * that revision): titles, messages, remediation, references and sources.
     */
    public static Assessment render(Assessment stored, Ruleset decidedBy, Locale locale) {
        return render(stored, RulesetTexts.of(decidedBy), locale);
    }

    /** As {@link #render(Assessment, Ruleset, Locale)}, with the texts of the revision alone (nothing compiled). */
    public static Assessment render(Assessment stored, RulesetTexts decidedBy, Locale locale) {
        if (!decidedBy.revision().equals(stored.getRuleset().getRevision())) {
            throw new IllegalArgumentException("verdict of revision "
                    + stored.getRuleset().getRevision() + " rendered with " + decidedBy.revision());
        }
        return decidedBy.localize(stored, locale);
    }
}
