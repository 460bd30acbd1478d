package io.kakunin.kb.ruleset;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The tunable numbers of a ruleset (review intervals, patch deadlines, lead times), read from
 * {@code thresholds.properties}. Rules never hold such a number in their text: they ask for it
 * by name through {@link Evaluation}, so an organization can tune it in one place, and the
 * ruleset's revision changes with it.
 */
public final class Thresholds {

    private final Map<String, Integer> values;

    private Thresholds(Map<String, Integer> values) {
        this.values = values;
    }

    public static Thresholds parse(String text) {
        Properties props = new Properties();
        try {
            props.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new RulesetException(
                    "thresholds.properties cannot be read",
                    List.of(Diagnostic.error("thresholds.properties", e.getMessage())));
        }
        Map<String, Integer> values = new TreeMap<>();
        List<Diagnostic> problems = new ArrayList<>();
        for (String name : props.stringPropertyNames()) {
            String raw = props.getProperty(name).strip();
            try {
                int value = Integer.parseInt(raw);
                if (value < 0) {
                    problems.add(Diagnostic.error("thresholds.properties", name + " must not be negative: " + raw));
                }
                values.put(name, value);
            } catch (NumberFormatException e) {
                problems.add(Diagnostic.error("thresholds.properties", name + " is not a whole number: '" + raw + "'"));
            }
        }
        if (!problems.isEmpty()) {
            throw new RulesetException("thresholds.properties is not valid", problems);
        }
        return new Thresholds(java.util.Collections.unmodifiableMap(values));
    }

    /** The value of a threshold; an unknown name is a defect of the rule that asks for it. */
    public int value(String name) {
        Integer value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException(
                    "unknown threshold '" + name + "'; thresholds.properties defines " + values.keySet());
        }
        return value;
    }

    public Map<String, Integer> values() {
        return values;
    }
}
