package io.kakunin.service;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The service's own settings, under {@code kakunin.*}.
 *
 * @param rules  which ruleset decides verdicts, and threshold overrides
 * @param limits what a request may cost
 */
@ConfigurationProperties("kakunin")
public record KakuninProperties(Rules rules, Limits limits) {

    public KakuninProperties {
        rules = rules == null ? new Rules(Map.of()) : rules;
        limits = limits == null ? new Limits(null) : limits;
    }

    /**
     * @param thresholds overrides of the ruleset's {@code thresholds.properties}, by name; the
     *                   ruleset's revision changes with them
     */
    public record Rules(Map<String, Integer> thresholds) {
        public Rules {
            thresholds = thresholds == null ? Map.of() : Map.copyOf(thresholds);
        }
    }

    /** @param maxBodySize the largest request body accepted; larger ones get 413 */
    public record Limits(DataSize maxBodySize) {
        public Limits {
            maxBodySize = maxBodySize == null ? DataSize.ofMegabytes(1) : maxBodySize;
        }
    }
}
