package io.kakunin.service.assessments;

import io.kakunin.api.model.Assessment;
import io.kakunin.kb.StoredVerdicts;
import io.kakunin.service.rulesets.ActiveRuleset;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * A stored verdict as the API shows it, wherever it is shown (fetched, or answered again to a
 * retry with the same idempotency key, single or in a batch): rendered (titles, messages,
 * remediation, references) by the revision that decided it, in the language asked for. If that
 * revision's rules are gone, the verdict is shown as stored, without texts, and says so.
 */
@Component
class AssessmentViews {

    private final ActiveRuleset active;

    AssessmentViews(ActiveRuleset active) {
        this.active = active;
    }

    Assessment view(AssessmentRecord record, Locale locale) {
        Assessment verdict = StoredVerdicts.fromJson(record.verdictJson());
        active.texts(record.rulesetRevision()).ifPresent(texts -> StoredVerdicts.render(verdict, texts, locale));
        // Available means the rules that decided can still decide again (re-evaluation), not only that their texts are
        // known.
        verdict.getRuleset().available(active.isAvailable(record.rulesetRevision()));
        return verdict;
    }
}
