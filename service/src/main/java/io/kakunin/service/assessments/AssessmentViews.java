package io.kakunin.service.assessments;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.kb.RulesetTexts;
import io.kakunin.kb.StoredVerdicts;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.web.ApiProblem;
import java.util.Locale;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stored verdict as the API shows it, wherever it is shown (fetched, or answered again to a
 * retry with the same idempotency key, single or in a batch): rendered (titles, messages,
 * remediation, references) by the revision that decided it, in the language asked for. If that
 * revision's rules are gone, the verdict is shown as stored, without texts, and says so.
 */
@Component
class AssessmentViews {

    private final ActiveRuleset active;
    private final JsonMapper json;

    AssessmentViews(ActiveRuleset active, JsonMapper json) {
        this.active = active;
        this.json = json;
    }

    Assessment view(AssessmentRecord record, Locale locale) {
        Assessment verdict = StoredVerdicts.fromJson(record.verdictJson());
        active.texts(record.rulesetRevision()).ifPresent(texts -> StoredVerdicts.render(verdict, texts, locale));
        // Available means the rules that decided can still decide again (re-evaluation), not only that their texts are
        // known.
        verdict.getRuleset().available(active.isAvailable(record.rulesetRevision()));
        return verdict;
    }

    /**
     * The JC-STAR ★1 checklist of a stored assessment's products, derived from its stored verdict
     * with the catalog of the revision that decided it (nothing is evaluated again). 409 when that
     * revision's files are gone, or its catalog has no ★1 scheme.
     */
    JcStarChecklist jcStar(AssessmentRecord record, Locale locale) {
        RulesetTexts texts = active.texts(record.rulesetRevision())
                .orElseThrow(() -> ApiProblem.conflict(
                        "ruleset-unavailable",
                        "The ruleset that decided is no longer available",
                        "The files of revision " + record.rulesetRevision()
                                + " are no longer held by the service, so the ★1 rows cannot be mapped to its"
                                + " recommendations; the stored verdict stands as recorded."));
        if (!texts.hasJcStar()) {
            throw ApiProblem.conflict(
                    "no-jc-star-scheme",
                    "The ruleset that decided has no JC-STAR ★1 scheme",
                    "The catalog of revision " + record.rulesetRevision()
                            + " does not list the JC-STAR ★1 requirements, so no ★1 checklist can be derived"
                            + " from this verdict; submit the request again to have it decided by a ruleset"
                            + " that does.");
        }
        AssessmentRequest request = json.readValue(record.requestJson(), AssessmentRequest.class);
        Assessment verdict = StoredVerdicts.fromJson(record.verdictJson());
        return texts.jcStar(request, verdict, locale).assessmentId(record.id());
    }
}
