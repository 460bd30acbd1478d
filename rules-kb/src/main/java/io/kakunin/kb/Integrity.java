package io.kakunin.kb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The consistency a ruleset must have before it may decide anything: every rule names a
 * recommendation of the catalog, every recommendation has a rule, and every text exists in
 * every language. Reported as diagnostics located in the files an officer edits.
 */
final class Integrity {

    /** The generic texts every ruleset needs, whatever its recommendations. */
    static final List<String> GENERIC_KEYS = List.of(
            "outcome.FAIL", "outcome.NEEDS_INFORMATION", "outcome.PASS", "outcome.NOT_APPLICABLE", "outcome.UNDECIDED");

    /** Placeholders every text may use besides the thresholds. */
    static final Set<String> BUILT_IN_PLACEHOLDERS = Set.of("facts");

    private static final Pattern ITEM_KEY = Pattern.compile("((?:PS|IS)-[0-9]+\\.[0-9]+)\\..+");

    private Integrity() {
    }

    static List<Diagnostic> check(Ruleset ruleset) {
        List<Diagnostic> problems = new ArrayList<>();
        Catalog catalog = ruleset.catalog();
        for (Ruleset.RuleInfo rule : ruleset.rules().values()) {
            if (rule.recommendationId() == null) {
                problems.add(new Diagnostic(rule.file(), rule.line(), 0, Diagnostic.Severity.ERROR,
                        "rule \"" + rule.name() + "\" names no recommendation; add @recommendation(\"<ID>\")"));
            } else if (catalog.entry(rule.recommendationId()).isEmpty()) {
                problems.add(new Diagnostic(rule.file(), rule.line(), 0, Diagnostic.Severity.ERROR,
                        "rule \"" + rule.name() + "\" names recommendation " + rule.recommendationId() + ", which catalog.yaml does not list"));
            }
        }
        Set<String> required = new TreeSet<>(GENERIC_KEYS);
        boolean sharing = catalog.entries().stream().anyMatch(e -> catalog.topicOf(e) == io.kakunin.api.model.Topic.INFORMATION_SHARING);
        if (sharing) {
            for (io.kakunin.api.model.TlpLevel level : io.kakunin.api.model.TlpLevel.values()) {
                required.add("tlp." + level.getValue() + ".recipients");
            }
            for (io.kakunin.api.model.RedactionFinding finding : io.kakunin.api.model.RedactionFinding.values()) {
                required.add("redaction." + finding.getValue());
            }
        }
        for (Catalog.Entry entry : catalog.entries()) {
            if (ruleset.rulesOf(entry.id()).isEmpty()) {
                problems.add(Diagnostic.error("catalog.yaml", "recommendation " + entry.id() + " has no rule"));
            }
            required.add(entry.measure() + ".title");
            required.add(entry.id() + ".title");
            required.add(entry.id() + ".requirement");
            required.add(entry.id() + ".remediation");
        }
        for (Ruleset.RuleInfo rule : ruleset.rules().values()) {
            if (rule.reason() != null && rule.recommendationId() != null) {
                required.add(rule.recommendationId() + ".reason." + rule.reason());
            }
        }
        Messages messages = ruleset.messages();
        Set<String> placeholders = new TreeSet<>(BUILT_IN_PLACEHOLDERS);
        placeholders.addAll(ruleset.thresholds().values().keySet());
        for (Locale locale : Locales.SUPPORTED) {
            String file = Messages.fileName(locale);
            for (String key : required) {
                if (!messages.has(locale, key)) {
                    problems.add(Diagnostic.error(file, "missing text '" + key + "'"));
                }
            }
            for (Locale other : Locales.SUPPORTED) {
                if (other.equals(locale)) {
                    continue;
                }
                for (String key : messages.keys(other)) {
                    if (!messages.has(locale, key)) {
                        problems.add(Diagnostic.error(file, "missing text '" + key + "', which " + Messages.fileName(other) + " has"));
                    }
                }
            }
            for (String key : messages.keys(locale)) {
                String text = messages.text(locale, key).orElse("");
                for (String name : Messages.placeholders(text)) {
                    if (!placeholders.contains(name)) {
                        problems.add(Diagnostic.error(file, "text '" + key + "' uses {" + name + "}, which is neither a threshold nor one of " + BUILT_IN_PLACEHOLDERS));
                    }
                }
                Matcher item = ITEM_KEY.matcher(key);
                if (item.matches() && catalog.entry(item.group(1)).isEmpty()) {
                    problems.add(Diagnostic.error(file, "text '" + key + "' belongs to " + item.group(1) + ", which catalog.yaml does not list"));
                }
            }
        }
        return problems;
    }

}
