package io.kakunin.service.console;

import io.kakunin.api.model.Level;
import io.kakunin.api.model.Recommendation;
import io.kakunin.api.model.Reference;
import io.kakunin.api.model.ReferenceScheme;
import io.kakunin.api.model.Topic;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.fixtures.Traceability;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.RuleInfo;
import io.kakunin.kb.ruleset.RulesetException;
import io.kakunin.service.recommendations.Recommendations;
import io.kakunin.service.rulesets.ActiveRuleset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The catalog of the active ruleset, open to every role: each recommendation by measure with its
 * level, source confidence, cross-references and how many rules and fixtures back it, and one item
 * with the DRL of the rules that implement it and the fixtures that assert each of its outcomes.
 * Each item is read through {@link Recommendations}, as the API's {@code /v1/recommendations}
 * serves it (titles and requirements are the ruleset's texts, rules the engine's own mapping
 * {@link Ruleset#rulesOf}); the DRL is the rule's text in its file, and fixtures are what
 * the traceability table ({@link Traceability#build}) finds each of the activation's fixtures to
 * assert, computed once per activation rather than on every request.
 */
@Controller
class CatalogPagesController {

    /** The source confidences, in the order the legend explains them. */
    private static final List<String> CONFIDENCES = List.of("C", "S", "I");

    private final ActiveRuleset active;
    private final Recommendations recommendations;

    /** The traceability of the activation last shown, by recommendation: built once per activation. */
    private ActiveRuleset.Activation tracedActivation;

    private Map<String, Traceability.Row> traced = Map.of();

    CatalogPagesController(ActiveRuleset active, Recommendations recommendations) {
        this.active = active;
        this.recommendations = recommendations;
    }

    /** One row of the list. */
    public record Item(
            String id,
            String title,
            String level,
            String confidence,
            List<String> jcStar,
            List<String> etsi,
            int rules,
            int fixtures) {}

    /** A measure and the items of it that the filter keeps. */
    public record Measure(String id, String title, List<Item> items) {}

    /** A domain (product security, information sharing) and its measures. */
    public record Domain(String topic, List<Measure> measures) {}

    /** A rule that implements the item: its name, where it is written, and its DRL (null when it is a table row). */
    public record Rule(String name, String file, int line, String drl) {}

    /** The fixtures that assert one outcome of the item. */
    public record Asserted(String outcome, List<String> fixtures) {}

    @GetMapping("/console/catalog")
    String list(
            @RequestParam(required = false) String domain,
            @RequestParam(required = false) String level,
            @RequestParam(required = false) String q,
            Model model) {
        Locale locale = LocaleContextHolder.getLocale();
        ActiveRuleset.Activation activation = active.current();
        Ruleset ruleset = activation.ruleset();
        Catalog catalog = ruleset.catalog();
        Map<String, Traceability.Row> rows = traceability(activation);
        String topic = blankToNull(domain);
        String wanted = blankToNull(level);
        String text = blankToNull(q) == null ? null : q.strip().toLowerCase(Locale.ROOT);
        Map<String, List<Item>> byMeasure = new LinkedHashMap<>();
        List<Recommendation> all = recommendations.list(ruleset, locale).getItems();
        int shown = 0;
        for (Recommendation r : all) {
            String title = r.getTitle();
            if ((topic != null && !r.getTopic().getValue().equals(topic))
                    || (wanted != null && !r.getLevel().getValue().equals(wanted))
                    || (text != null
                            && !r.getId().toLowerCase(Locale.ROOT).contains(text)
                            && (title == null || !title.toLowerCase(locale).contains(text)))) {
                continue;
            }
            Traceability.Row row = rows.get(r.getId());
            byMeasure
                    .computeIfAbsent(r.getMeasure(), m -> new ArrayList<>())
                    .add(new Item(
                            r.getId(),
                            title,
                            r.getLevel().getValue(),
                            r.getConfidence().getValue(),
                            references(r, ReferenceScheme.JC_STAR),
                            references(r, ReferenceScheme.ETSI_EN_303_645),
                            r.getRules().size(),
                            row == null
                                    ? 0
                                    : (int) row.fixturesByOutcome().values().stream()
                                            .flatMap(Set::stream)
                                            .distinct()
                                            .count()));
            shown++;
        }
        List<Domain> domains = new ArrayList<>();
        for (Topic t : Topic.values()) {
            List<Measure> measures = new ArrayList<>();
            for (String measure : catalog.measureIds()) {
                List<Item> items = byMeasure.get(measure);
                if (items != null
                        && catalog.measure(measure).map(m -> m.topic() == t).orElse(false)) {
                    measures.add(new Measure(measure, ruleset.text(locale, measure + ".title"), items));
                }
            }
            if (!measures.isEmpty()) {
                domains.add(new Domain(t.getValue(), measures));
            }
        }
        model.addAttribute("ruleset", ruleset);
        model.addAttribute("confidences", CONFIDENCES);
        model.addAttribute("domains", domains);
        model.addAttribute("shown", shown);
        model.addAttribute("total", all.size());
        model.addAttribute("topics", Topic.values());
        model.addAttribute("levels", Level.values());
        model.addAttribute(
                "filter",
                Map.of(
                        "domain", topic == null ? "" : topic,
                        "level", wanted == null ? "" : wanted,
                        "q", q == null ? "" : q.strip()));
        return "console/catalog";
    }

    @GetMapping("/console/catalog/{id}")
    String item(@PathVariable String id, Model model) {
        Locale locale = LocaleContextHolder.getLocale();
        ActiveRuleset.Activation activation = active.current();
        Ruleset ruleset = activation.ruleset();
        Recommendation item = recommendations.find(ruleset, id, locale);
        List<Rule> rules = item.getRules().stream()
                .map(name -> ruleset.rule(name)
                        .map(r -> new Rule(r.name(), r.file(), r.line(), drl(ruleset, r)))
                        .orElse(new Rule(name, "", 0, null)))
                .toList();
        Traceability.Row row = traceability(activation).get(item.getId());
        List<Asserted> asserted = row == null
                ? List.of()
                : row.fixturesByOutcome().entrySet().stream()
                        .map(e -> new Asserted(e.getKey(), List.copyOf(e.getValue())))
                        .toList();
        model.addAttribute("ruleset", ruleset);
        model.addAttribute("confidences", CONFIDENCES);
        model.addAttribute("item", item);
        model.addAttribute("measureTitle", ruleset.text(locale, item.getMeasure() + ".title"));
        model.addAttribute(
                "effectiveFrom",
                ruleset.catalog()
                        .effectiveFrom(item.getId())
                        .map(Object::toString)
                        .orElse(null));
        model.addAttribute("rules", rules);
        model.addAttribute("asserted", asserted);
        model.addAttribute("fixtureCount", activation.fixtures().size());
        return "console/catalog-item";
    }

    /**
     * The traceability rows of an activation by recommendation: its fixtures run once against its
     * ruleset (as the traceability table is built), and kept until another activation is shown.
     */
    private synchronized Map<String, Traceability.Row> traceability(ActiveRuleset.Activation activation) {
        if (activation != tracedActivation) {
            Map<String, Traceability.Row> rows = new LinkedHashMap<>();
            for (Traceability.Row row : Traceability.build(activation.ruleset(), activation.fixtures())) {
                rows.put(row.entry().id(), row);
            }
            traced = rows;
            tracedActivation = activation;
        }
        return traced;
    }

    private static List<String> references(Recommendation recommendation, ReferenceScheme scheme) {
        return recommendation.getReferences().stream()
                .filter(r -> r.getScheme() == scheme)
                .map(Reference::getId)
                .toList();
    }

    /**
     * The DRL of a rule as written: from its {@code rule} line to its {@code end}. Null for a rule
     * generated from a decision table, whose "line" is the table's row, or when the text cannot be read.
     */
    static String drl(Ruleset ruleset, RuleInfo rule) {
        if (rule.file() == null || !rule.file().endsWith(".drl") || rule.line() < 1) {
            return null;
        }
        String text;
        try {
            text = ruleset.files().text(rule.file());
        } catch (RulesetException e) {
            return null;
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        if (rule.line() > lines.length) {
            return null;
        }
        StringBuilder drl = new StringBuilder();
        for (int i = rule.line() - 1; i < lines.length; i++) {
            drl.append(lines[i]).append('\n');
            if (i > rule.line() - 1 && lines[i].strip().equals("end")) {
                break;
            }
        }
        return drl.toString().stripTrailing();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
