package io.kakunin.kb.ruleset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a ruleset says, apart from its compiled rules: its files and revision, its catalog,
 * texts and thresholds, and what each rule declares about itself. The verdict texts, the
 * integrity check and the sharing decision read this; only evaluation needs the compiled rules.
 */
public final class RulesetContent {

    private final RulesetFiles files;
    private final String source;
    private final Catalog catalog;
    private final Messages messages;
    private final Thresholds thresholds;
    private final Map<String, RuleInfo> rules;
    private final Map<String, List<RuleInfo>> rulesByRecommendation;

    public RulesetContent(RulesetFiles files, String source, Map<String, RuleInfo> rules) {
        this.files = files;
        this.source = source;
        this.catalog = Catalog.parse(files.text("catalog.yaml"));
        this.messages = Messages.parse(files);
        this.thresholds = Thresholds.parse(
                files.file("thresholds.properties").isPresent() ? files.text("thresholds.properties") : "");
        this.rules = rules;
        Map<String, List<RuleInfo>> byRecommendation = new LinkedHashMap<>();
        for (RuleInfo rule : rules.values()) {
            byRecommendation
                    .computeIfAbsent(rule.recommendationId(), k -> new ArrayList<>())
                    .add(rule);
        }
        byRecommendation.replaceAll((k, v) -> List.copyOf(v));
        this.rulesByRecommendation = Collections.unmodifiableMap(byRecommendation);
    }

    public RulesetFiles files() {
        return files;
    }

    public String source() {
        return source;
    }

    public String revision() {
        return files.revision();
    }

    public String version() {
        return catalog.version();
    }

    public Catalog catalog() {
        return catalog;
    }

    public Messages messages() {
        return messages;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    /** Every rule, by name. */
    public Map<String, RuleInfo> rules() {
        return rules;
    }

    /** The rules that implement a recommendation, in package and name order. */
    public List<RuleInfo> rulesOf(String recommendationId) {
        return rulesByRecommendation.getOrDefault(recommendationId, List.of());
    }

    public Optional<RuleInfo> rule(String name) {
        return Optional.ofNullable(rules.get(name));
    }
}
