package io.kakunin.kb.ruleset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The consistency a ruleset must have before it may decide anything: every rule names a
 * recommendation of the catalog, every recommendation has a rule, and every text exists in
 * every language. Reported as diagnostics located in the files an officer edits.
 */
public final class Integrity {

    /** The generic texts every ruleset needs, whatever its recommendations. */
    public static final List<String> GENERIC_KEYS = List.of(
            "outcome.FAIL", "outcome.NEEDS_INFORMATION", "outcome.PASS", "outcome.NOT_APPLICABLE", "outcome.UNDECIDED");

    /** The texts of the JC-STAR ★1 checklist, when the catalog has the scheme (besides each row's title and text). */
    public static final List<String> JC_STAR_KEYS = List.of(
            "jcStar.ready",
            "jcStar.notReady",
            "jcStar.unknown",
            "jcStar.notApplicable",
            "jcStar.psti",
            "jcStar.notJudged",
            "jcStar.selfCheck.met",
            "jcStar.selfCheck.unmet",
            "jcStar.summary.ready",
            "jcStar.summary.notReady",
            "jcStar.summary.unknown",
            "jcStar.prepare.psti",
            "jcStar.prepare.unknown");

    /** Placeholders every text may use besides the thresholds. */
    public static final Set<String> BUILT_IN_PLACEHOLDERS = Set.of("facts");

    /**
     * The redactions a sharing review reports as one entry for many objects (the share's TLP
     * marking stamped on each): each needs a text {@code redaction.<finding>.group}, which may
     * also use {@link #GROUP_PLACEHOLDERS}.
     */
    public static final List<io.kakunin.api.model.RedactionFinding> GROUPED_REDACTIONS = List.of(
            io.kakunin.api.model.RedactionFinding.MISSING_MARKING, io.kakunin.api.model.RedactionFinding.WEAK_MARKING);

    /** What a group's text may say besides the thresholds: the marking applied and the number of objects. */
    public static final Set<String> GROUP_PLACEHOLDERS = Set.of("marking", "count");

    /** The key of the text of a group of redactions of one finding. */
    public static String groupKey(io.kakunin.api.model.RedactionFinding finding) {
        return "redaction." + finding.getValue() + ".group";
    }

    private static final Pattern ITEM_KEY = Pattern.compile("((?:PS|IS)-[0-9]+\\.[0-9]+)\\..+");

    /**
     * A comparison with a number written in the rule text. Tunable numbers belong in
     * thresholds.properties, read through {@code Evaluation}; counting the members of a fixed set
     * ({@code size == 4}) is not a threshold.
     */
    private static final Pattern NUMERIC_COMPARISON = Pattern.compile("(?<!size )(<|>|<=|>=|==|!=)\\s*-?\\d+");

    private static final Pattern LINE_COMMENT = Pattern.compile("//.*$");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

    private Integrity() {}

    public static List<Diagnostic> check(RulesetContent ruleset) {
        List<Diagnostic> problems = new ArrayList<>();
        Catalog catalog = ruleset.catalog();
        Locator where = new Locator(ruleset.files());
        for (RuleInfo rule : ruleset.rules().values()) {
            if (rule.recommendationId() == null) {
                problems.add(where.rule(
                        rule,
                        null,
                        "rule \"" + rule.name() + "\" names no recommendation; add @recommendation(\"<ID>\")"));
            } else if (catalog.entry(rule.recommendationId()).isEmpty()) {
                problems.add(where.rule(
                        rule,
                        rule.recommendationId(),
                        "rule \"" + rule.name() + "\" names recommendation " + rule.recommendationId()
                                + ", which catalog.yaml does not list"));
            }
        }
        for (RuleInfo rule : ruleset.rules().values()) {
            if (rule.effectiveFrom() != null
                    && rule.recommendationId() != null
                    && catalog.entry(rule.recommendationId())
                            .map(e -> catalog.topicOf(e) == io.kakunin.api.model.Topic.INFORMATION_SHARING)
                            .orElse(false)) {
                problems.add(where.rule(
                        rule,
                        "@effectiveFrom(\"" + rule.effectiveFrom() + "\")",
                        rule.effectiveFrom(),
                        "rule \"" + rule.name() + "\" has @effectiveFrom, but it decides " + rule.recommendationId()
                                + ", an information-sharing item, which is in force as soon as it is published:"
                                + " a sharing decision fails closed"));
            } else if (rule.effectiveFrom() != null
                    && rule.effectiveFromInstant().isEmpty()) {
                problems.add(where.rule(
                        rule,
                        "@effectiveFrom(\"" + rule.effectiveFrom() + "\")",
                        rule.effectiveFrom(),
                        "rule \"" + rule.name() + "\" has @effectiveFrom(\"" + rule.effectiveFrom()
                                + "\"), which is not an instant: write it in RFC 3339 with an offset,"
                                + " such as 2027-04-01T00:00:00+09:00 or 2027-03-31T15:00:00Z"));
            }
            if (rule.remedy() != null && Remedy.parse(rule.remedy()).isEmpty()) {
                problems.add(where.rule(
                        rule,
                        "@remedy(\"" + rule.remedy() + "\")",
                        rule.remedy(),
                        "rule \"" + rule.name() + "\" names remedy \"" + rule.remedy() + "\", which is not one of "
                                + Remedy.ALLOWED));
            }
        }
        problems.addAll(tunableNumbers(ruleset.files()));
        Set<String> required = new TreeSet<>(GENERIC_KEYS);
        boolean sharing = catalog.entries().stream()
                .anyMatch(e -> catalog.topicOf(e) == io.kakunin.api.model.Topic.INFORMATION_SHARING);
        if (sharing) {
            for (io.kakunin.api.model.TlpLevel level : io.kakunin.api.model.TlpLevel.values()) {
                required.add("tlp." + level.getValue() + ".recipients");
            }
            for (io.kakunin.api.model.RedactionFinding finding : io.kakunin.api.model.RedactionFinding.values()) {
                required.add("redaction." + finding.getValue());
            }
            for (io.kakunin.api.model.RedactionFinding finding : GROUPED_REDACTIONS) {
                required.add(groupKey(finding));
            }
        }
        for (Catalog.Entry entry : catalog.entries()) {
            if (ruleset.rulesOf(entry.id()).isEmpty()) {
                problems.add(where.catalog(entry.id(), "recommendation " + entry.id() + " has no rule"));
            }
            required.add(entry.measure() + ".title");
            required.add(entry.id() + ".title");
            required.add(entry.id() + ".requirement");
            required.add(entry.id() + ".remediation");
        }
        catalog.jcStar().ifPresent(scheme -> {
            required.addAll(JC_STAR_KEYS);
            for (io.kakunin.api.model.EvidenceType type : io.kakunin.api.model.EvidenceType.values()) {
                required.add("jcStar.prepare." + type.getValue());
            }
            for (Catalog.StarRequirement row : scheme.requirements()) {
                required.add("jcStar." + row.id() + ".title");
                required.add("jcStar." + row.id() + ".requirement");
            }
        });
        for (RuleInfo rule : ruleset.rules().values()) {
            // A rule naming a recommendation the catalog lacks is reported at its annotation; its
            // texts are not asked for again under that name (one mistake, one report).
            if (rule.reason() != null
                    && rule.recommendationId() != null
                    && catalog.entry(rule.recommendationId()).isPresent()) {
                required.add(rule.recommendationId() + ".reason." + rule.reason());
            }
        }
        Messages messages = ruleset.messages();
        Set<String> placeholders = new TreeSet<>(BUILT_IN_PLACEHOLDERS);
        placeholders.addAll(ruleset.thresholds().values().keySet());
        Map<Locale, Map<String, String>> misspelt = misspeltKeys(messages, required);
        for (Locale locale : Locales.SUPPORTED) {
            String file = Messages.fileName(locale);
            Map<String, String> misspeltHere = misspelt.getOrDefault(locale, Map.of());
            misspeltHere.forEach((key, meant) -> problems.add(where.text(
                    file,
                    key,
                    null,
                    "text '" + key + "' is in no other language and '" + meant
                            + "' is missing here: is the key misspelt? Write it '" + meant + "'")));
            for (String key : required) {
                if (!messages.has(locale, key) && !misspeltHere.containsValue(key)) {
                    problems.add(where.missingText(file, key, "missing text '" + key + "'"));
                }
            }
            // One report per missing text, naming every language that has it.
            Map<String, List<String>> elsewhere = new TreeMap<>();
            for (Locale other : Locales.SUPPORTED) {
                if (other.equals(locale)) {
                    continue;
                }
                for (String key : messages.keys(other)) {
                    if (!messages.has(locale, key)
                            && !required.contains(key)
                            && !misspelt.getOrDefault(other, Map.of()).containsKey(key)) {
                        elsewhere.computeIfAbsent(key, k -> new ArrayList<>()).add(Messages.fileName(other));
                    }
                }
            }
            elsewhere.forEach((key, files) -> problems.add(where.missingText(
                    file,
                    key,
                    "missing text '" + key + "', which " + String.join(" and ", files)
                            + (files.size() == 1 ? " has" : " have"))));
            for (String key : messages.keys(locale)) {
                String text = messages.text(locale, key).orElse("");
                boolean group =
                        GROUPED_REDACTIONS.stream().anyMatch(f -> groupKey(f).equals(key));
                for (String name : Messages.placeholders(text)) {
                    if (!placeholders.contains(name) && !(group && GROUP_PLACEHOLDERS.contains(name))) {
                        problems.add(where.text(
                                file,
                                key,
                                "{" + name + "}",
                                "text '" + key + "' uses {" + name + "}, which is neither a threshold nor one of "
                                        + BUILT_IN_PLACEHOLDERS));
                    }
                }
                Matcher item = ITEM_KEY.matcher(key);
                if (item.matches() && catalog.entry(item.group(1)).isEmpty()) {
                    problems.add(where.text(
                            file,
                            key,
                            null,
                            "text '" + key + "' belongs to " + item.group(1) + ", which catalog.yaml does not list"));
                }
            }
        }
        return problems;
    }

    /**
     * Keys that one bundle alone has while it lacks a key a few letters away that the ruleset
     * needs or the other bundles have: a misspelt key, by bundle (the key as written, and the
     * key meant). Reported once, at the misspelt key, instead of as a text missing in every
     * other bundle and another missing in this one.
     */
    private static Map<Locale, Map<String, String>> misspeltKeys(Messages messages, Set<String> required) {
        Map<Locale, Map<String, String>> misspelt = new HashMap<>();
        for (Locale locale : Locales.SUPPORTED) {
            Set<String> expected = new TreeSet<>(required);
            for (Locale other : Locales.SUPPORTED) {
                if (!other.equals(locale)) {
                    expected.addAll(messages.keys(other));
                }
            }
            expected.removeIf(key -> messages.has(locale, key));
            for (String key : messages.keys(locale)) {
                boolean alone = !required.contains(key)
                        && Locales.SUPPORTED.stream()
                                .filter(other -> !other.equals(locale))
                                .noneMatch(other -> messages.has(other, key));
                if (alone) {
                    // Within one item: PS-4.18.fail is not a misspelt PS-4.1.fail.
                    Matcher item = ITEM_KEY.matcher(key);
                    List<String> candidates = expected.stream()
                            .filter(k -> !item.matches() || k.startsWith(item.group(1) + "."))
                            .toList();
                    List<String> meant = NearestNames.of(key, candidates, 1);
                    if (!meant.isEmpty()) {
                        misspelt.computeIfAbsent(locale, l -> new TreeMap<>()).put(key, meant.get(0));
                    }
                }
            }
        }
        return misspelt;
    }

    /** Every comparison with a number written in a DRL file, at its line and column. */
    public static List<Diagnostic> tunableNumbers(RulesetFiles files) {
        List<Diagnostic> problems = new ArrayList<>();
        files.files().forEach((path, bytes) -> {
            if (!path.endsWith(".drl")) {
                return;
            }
            String[] lines = files.text(path).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                // Blank out comments and strings, keeping columns where they are.
                String code = LINE_COMMENT
                        .matcher(lines[i])
                        .replaceAll(m -> " ".repeat(m.group().length()));
                code = STRING_LITERAL
                        .matcher(code)
                        .replaceAll(m -> "\"" + " ".repeat(m.group().length() - 2) + "\"");
                Matcher number = NUMERIC_COMPARISON.matcher(code);
                if (number.find()) {
                    problems.add(
                            new Diagnostic(
                                    path,
                                    i + 1,
                                    number.start() + 1,
                                    Diagnostic.Severity.ERROR,
                                    "a rule compares with the number written here ("
                                            + number.group().strip()
                                            + "); put tunable numbers in thresholds.properties and read them through Evaluation"));
                }
            }
        });
        return problems;
    }

    /**
     * Places integrity problems where an officer fixes them: a rule's {@code @recommendation}
     * (or a table's cell), a catalog entry's line, a message key's line; for a text that is
     * missing, the line where the same item's other texts are in that file.
     */
    private static final class Locator {
        private final RulesetFiles files;
        private final Map<String, Map<String, RuleLocator.Position>> keys = new HashMap<>();
        private final Map<String, String> texts = new HashMap<>();

        Locator(RulesetFiles files) {
            this.files = files;
        }

        private String text(String file) {
            return texts.computeIfAbsent(file, f -> {
                try {
                    return files.file(f).isPresent() ? files.text(f) : "";
                } catch (RulesetException e) {
                    return "";
                }
            });
        }

        private Map<String, RuleLocator.Position> keys(String file) {
            return keys.computeIfAbsent(file, f -> RuleLocator.propertyKeys(text(f)));
        }

        Diagnostic rule(RuleInfo rule, String recommendationId, String message) {
            return rule(
                    rule,
                    recommendationId == null ? "rule" : "@recommendation(\"" + recommendationId + "\")",
                    recommendationId,
                    message);
        }

        /** At a part of a rule's text (in a table: at the cell of the rule's row holding the value). */
        Diagnostic rule(RuleInfo rule, String part, String cellValue, String message) {
            if (DecisionTables.isTable(rule.file())) {
                DecisionTables.Cell cell = files.file(rule.file())
                        .map(bytes -> DecisionTables.cellOf(rule.file(), bytes, rule.name(), cellValue))
                        .orElse(null);
                if (cell != null) {
                    return new Diagnostic(
                            rule.file(),
                            cell.row(),
                            cell.column(),
                            Diagnostic.Severity.ERROR,
                            cell.label() + ": " + message);
                }
                return new Diagnostic(rule.file(), rule.line(), 0, Diagnostic.Severity.ERROR, message);
            }
            RuleLocator.Position at = rule.file().isEmpty() || rule.line() <= 0
                    ? RuleLocator.Position.NONE
                    : RuleLocator.find(text(rule.file()), rule.line(), 20, part);
            return at.line() > 0
                    ? new Diagnostic(rule.file(), at.line(), at.column(), Diagnostic.Severity.ERROR, message)
                    : new Diagnostic(rule.file(), rule.line(), 0, Diagnostic.Severity.ERROR, message);
        }

        Diagnostic catalog(String id, String message) {
            RuleLocator.Position at = RuleLocator.catalogEntry(text("catalog.yaml"), id);
            return new Diagnostic("catalog.yaml", at.line(), at.column(), Diagnostic.Severity.ERROR, message);
        }

        /** A key's line in a bundle; with a part, the column of that part on the key's line (or the next ones). */
        Diagnostic text(String file, String key, String part, String message) {
            RuleLocator.Position at = keys(file).getOrDefault(key, RuleLocator.Position.NONE);
            if (at.line() > 0 && part != null) {
                RuleLocator.Position inText = RuleLocator.find(text(file), at.line(), 10, part);
                if (inText.line() > 0) {
                    at = inText;
                }
            }
            return new Diagnostic(file, at.line(), at.column(), Diagnostic.Severity.ERROR, message);
        }

        /** A key that a bundle lacks: at the first key of the same item (or group) in it, where it belongs. */
        Diagnostic missingText(String file, String key, String message) {
            Matcher item = ITEM_KEY.matcher(key);
            String group = item.matches()
                    ? item.group(1) + "."
                    : key.contains(".") ? key.substring(0, key.indexOf('.') + 1) : key;
            RuleLocator.Position best = RuleLocator.Position.NONE;
            for (Map.Entry<String, RuleLocator.Position> k : keys(file).entrySet()) {
                if (k.getKey().startsWith(group)
                        && (best.line() == 0 || k.getValue().line() < best.line())) {
                    best = k.getValue();
                }
            }
            return best.line() > 0
                    ? new Diagnostic(
                            file,
                            best.line(),
                            best.column(),
                            Diagnostic.Severity.ERROR,
                            message + "; the other texts of " + group.substring(0, group.length() - 1)
                                    + " start on this line")
                    : new Diagnostic(file, 0, 0, Diagnostic.Severity.ERROR, message);
        }
    }
}
