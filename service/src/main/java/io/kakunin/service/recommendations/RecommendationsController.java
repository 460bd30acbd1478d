package io.kakunin.service.recommendations;

import io.kakunin.api.RecommendationsApi;
import io.kakunin.api.model.Recommendation;
import io.kakunin.api.model.RecommendationList;
import io.kakunin.api.model.Reference;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.api.model.Source;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.kb.ruleset.RuleInfo;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.web.NotFoundException;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

/** The catalog of the active ruleset, with the sources that back each item and the rules that implement it. */
@RestController
class RecommendationsController implements RecommendationsApi {

    private final ActiveRuleset active;

    RecommendationsController(ActiveRuleset active) {
        this.active = active;
    }

    @Override
    public ResponseEntity<RecommendationList> listRecommendations(String acceptLanguage) {
        Locale locale = Locales.resolve(acceptLanguage);
        Ruleset ruleset = active.ruleset();
        RecommendationList list = new RecommendationList()
                .ruleset(new RulesetRef()
                        .revision(ruleset.revision())
                        .version(ruleset.version())
                        .source(ruleset.source()))
                .items(ruleset.catalog().entries().stream()
                        .map(e -> view(ruleset, e, locale))
                        .toList());
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_LANGUAGE, Locales.tag(locale))
                .body(list);
    }

    @Override
    public ResponseEntity<Recommendation> getRecommendation(String id, String acceptLanguage) {
        Locale locale = Locales.resolve(acceptLanguage);
        Ruleset ruleset = active.ruleset();
        Catalog.Entry entry =
                ruleset.catalog().entry(id).orElseThrow(() -> new NotFoundException("recommendation", id));
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_LANGUAGE, Locales.tag(locale))
                .body(view(ruleset, entry, locale));
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
