package io.kakunin.service.console;

import io.kakunin.api.model.Level;
import io.kakunin.api.model.ReferenceScheme;
import io.kakunin.api.model.Topic;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.fixtures.Traceability;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.RuleInfo;
import io.kakunin.kb.ruleset.RulesetException;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.web.NotFoundException;
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
 * Titles and requirements are the texts the ruleset gives, as the API's {@code /v1/recommendations}
 * serves them; rules are the engine's own mapping ({@link Ruleset#rulesOf}), and fixtures are what
 * the traceability table ({@link Traceability#build}) finds each of the activation's fixtures to
 * assert, computed once per activation rather than on every request.
 */
@Controller
class CatalogPagesController {

    /** The source confidences, in the order the legend explains them. */
    private static final List<String> CONFIDENCES = List.of("C", "S", "I");

    private final ActiveRuleset active;

    /** The traceability of the activation last shown, by recommendation: built once per activation. */
    private ActiveRuleset.Activation tracedActivation;

    private Map<String, Traceability.Row> traced = Map.of();

    CatalogPagesController(ActiveRuleset active) {
        this.active = active;
    }

    /** A cross-reference: the scheme (shown by its name) and the provision or row it names. */
    public record Ref(String scheme, String id, String note) {}

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
        int shown = 0;
        for (Catalog.Entry entry : catalog.entries()) {
            String title = ruleset.text(locale, entry.id() + ".title");
            if ((topic != null && !catalog.topicOf(entry).getValue().equals(topic))
                    || (wanted != null && !entry.level().getValue().equals(wanted))
                    || (text != null
                            && !entry.id().toLowerCase(Locale.ROOT).contains(text)
                            && (title == null || !title.toLowerCase(locale).contains(text)))) {
                continue;
            }
            Traceability.Row row = rows.get(entry.id());
            byMeasure
                    .computeIfAbsent(entry.measure(), m -> new ArrayList<>())
                    .add(new Item(
                            entry.id(),
                            title,
                            entry.level().getValue(),
                            entry.confidence().getValue(),
                            references(entry, ReferenceScheme.JC_STAR),
                            references(entry, ReferenceScheme.ETSI_EN_303_645),
                            ruleset.rulesOf(entry.id()).size(),
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
        model.addAttribute("total", catalog.entries().size());
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
        Catalog.Entry entry =
                ruleset.catalog().entry(id).orElseThrow(() -> new NotFoundException("recommendation", id));
        List<Rule> rules = ruleset.rulesOf(entry.id()).stream()
                .map(r -> new Rule(r.name(), r.file(), r.line(), drl(ruleset, r)))
                .toList();
        Traceability.Row row = traceability(activation).get(entry.id());
        List<Asserted> asserted = row == null
                ? List.of()
                : row.fixturesByOutcome().entrySet().stream()
                        .map(e -> new Asserted(e.getKey(), List.copyOf(e.getValue())))
                        .toList();
        model.addAttribute("ruleset", ruleset);
        model.addAttribute("confidences", CONFIDENCES);
        model.addAttribute("entry", entry);
        model.addAttribute("topic", ruleset.catalog().topicOf(entry).getValue());
        model.addAttribute("measureTitle", ruleset.text(locale, entry.measure() + ".title"));
        model.addAttribute("title", ruleset.text(locale, entry.id() + ".title"));
        model.addAttribute("requirement", ruleset.text(locale, entry.id() + ".requirement"));
        model.addAttribute("remediation", ruleset.text(locale, entry.id() + ".remediation"));
        model.addAttribute(
                "references",
                entry.references().stream()
                        .map(r -> new Ref(r.scheme().getValue(), r.id(), r.note()))
                        .toList());
        model.addAttribute("sources", ruleset.catalog().sourcesOf(entry.id()));
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

    private static List<String> references(Catalog.Entry entry, ReferenceScheme scheme) {
        return entry.references().stream()
                .filter(r -> r.scheme() == scheme)
                .map(Catalog.Ref::id)
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
