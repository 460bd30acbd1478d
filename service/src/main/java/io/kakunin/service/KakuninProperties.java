package io.kakunin.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The service's own settings, under {@code kakunin.*}.
 *
 * @param rules  which ruleset decides verdicts, and how a new one is published
 * @param limits what a request may cost
 */
@ConfigurationProperties("kakunin")
public record KakuninProperties(Rules rules, Limits limits) {

    public KakuninProperties {
        rules = rules == null ? new Rules(null, null, null, null, null, null) : rules;
        limits = limits == null ? new Limits(null, null) : limits;
    }

    /**
     * @param path                     a rules directory to serve instead of the built-in ruleset;
     *                                 its {@code fixtures/} folder, if any, must pass before a
     *                                 ruleset is activated
     * @param watch                    whether to activate changes to the directory on their own
     *                                 (default true); without, {@code POST /v1/rulesets/reload}
     * @param watchQuietPeriod         how long the directory must stay unchanged before a change is
     *                                 loaded, so that an editor's or a copy's burst of writes is
     *                                 loaded once (default 300 ms)
     * @param thresholds               overrides of the ruleset's {@code thresholds.properties}, by
     *                                 name; the ruleset's revision changes with them
     * @param compiledRevisionsKept    how many earlier revisions stay compiled in memory for
     *                                 re-evaluation and re-localization (default 4); others are
     *                                 compiled again from the store when asked for
     * @param maxConcurrentValidations how many validation requests may compile at once (default 1);
     *                                 a compile takes a core for seconds
     */
    public record Rules(Path path, Boolean watch, Duration watchQuietPeriod, Map<String, Integer> thresholds,
                        Integer compiledRevisionsKept, Integer maxConcurrentValidations) {
        public Rules {
            watch = watch == null || watch;
            watchQuietPeriod = watchQuietPeriod == null ? Duration.ofMillis(300) : watchQuietPeriod;
            thresholds = thresholds == null ? Map.of() : Map.copyOf(thresholds);
            compiledRevisionsKept = compiledRevisionsKept == null ? 4 : Math.max(0, compiledRevisionsKept);
            maxConcurrentValidations = maxConcurrentValidations == null ? 1 : Math.max(1, maxConcurrentValidations);
        }
    }

    /**
     * @param maxBodySize        the largest request body accepted; larger ones get 413
     * @param maxRulesetUpload   the largest body of {@code POST /v1/rulesets/validate}, a whole
     *                           ruleset with its fixtures (default 8 MB)
     */
    public record Limits(DataSize maxBodySize, DataSize maxRulesetUpload) {
        public Limits {
            maxBodySize = maxBodySize == null ? DataSize.ofMegabytes(1) : maxBodySize;
            maxRulesetUpload = maxRulesetUpload == null ? DataSize.ofMegabytes(8) : maxRulesetUpload;
        }
    }
}
