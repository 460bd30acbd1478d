package io.kakunin.service.recommendations;

import io.kakunin.api.model.Recommendation;
import io.kakunin.api.model.RecommendationList;
import io.kakunin.api.model.Reference;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.api.model.Source;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.RuleInfo;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.web.NotFoundException;
import java.util.Locale;
import org.springframework.stereotype.Service;

/**
 * The catalog of a ruleset as the API shows it: each recommendation with its texts in a
 * language, the sources that back it and the names of the rules that implement it. The API's
 * {@code /v1/recommendations} and the console's catalog pages both read it here.
 */
@Service
public class Recommendations {

    private final ActiveRuleset active;

    Recommendations(ActiveRuleset active) {
        this.active = active;
    }

    /** The catalog of the active ruleset. */
    public RecommendationList list(Locale locale) {
        return list(active.ruleset(), locale);
    }

    /** The catalog of a ruleset (the one a caller has already taken, so that one page reads one ruleset). */
    public RecommendationList list(Ruleset ruleset, Locale locale) {
        return new RecommendationList()
                .ruleset(new RulesetRef()
                        .revision(ruleset.revision())
                        .version(ruleset.version())
                        .source(ruleset.source()))
                .items(ruleset.catalog().entries().stream()
                        .map(e -> view(ruleset, e, locale))
                        .toList());
    }

    /**
     * One recommendation of the active ruleset.
     *
     * @throws NotFoundException when the catalog has no such ID
     */
    public Recommendation find(String id, Locale locale) {
        return find(active.ruleset(), id, locale);
    }

    /**
     * One recommendation of a ruleset.
     *
     * @throws NotFoundException when the catalog has no such ID
     */
    public Recommendation find(Ruleset ruleset, String id, Locale locale) {
        Catalog.Entry entry =
                ruleset.catalog().entry(id).orElseThrow(() -> new NotFoundException("recommendation", id));
        return view(ruleset, entry, locale);
    }

    private static Recommendation view(Ruleset ruleset, Catalog.Entry entry, Locale locale) {
        return new Recommendation()
                .id(entry.id())
                .topic(ruleset.catalog().topicOf(entry))
                .measure(entry.measure())
                .level(entry.level())
                .subjectType(entry.subject())
                .evidenceTypes(entry.evidence())
                .confidence(entry.confidence())
                .basis(entry.basis())
                .sourceEdition(entry.sourceEdition())
                .title(ruleset.text(locale, entry.id() + ".title"))
                .requirement(ruleset.text(locale, entry.id() + ".requirement"))
                .remediation(ruleset.text(locale, entry.id() + ".remediation"))
                .facts(entry.facts())
                .references(entry.references().stream()
                        .map(r -> new Reference()
                                .scheme(r.scheme())
                                .id(r.id())
                                .note(r.note())
                                .confidence(r.confidence()))
                        .toList())
                .sources(ruleset.catalog().sourcesOf(entry.id()).stream()
                        .map(s -> new Source()
                                .document(s.document())
                                .section(s.section())
                                .grade(s.grade())
                                .location(s.location()))
                        .toList())
                .rules(ruleset.rulesOf(entry.id()).stream().map(RuleInfo::name).toList());
    }
}
