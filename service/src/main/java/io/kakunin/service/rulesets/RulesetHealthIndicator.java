package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code rules} component of {@code /actuator/health}: which ruleset decides verdicts, and
 * the last refusal, if a newer ruleset was refused since. A refusal does not make the service
 * unhealthy (it keeps serving the last good ruleset) but it shows, with its first problems, so
 * that whoever watches health sees an officer's edit did not go live. Where the rules were read
 * from (a server path) is not shown: the revision names them.
 */
@Component("rules")
class RulesetHealthIndicator implements HealthIndicator {

    private static final int SHOWN_DIAGNOSTICS = 5;

    private final ActiveRuleset active;
    private final RulesetWatcher watcher;

    RulesetHealthIndicator(ActiveRuleset active, RulesetWatcher watcher) {
        this.active = active;
        this.watcher = watcher;
    }

    @Override
    public Health health() {
        ActiveRuleset.Activation activation = active.current();
        Health.Builder health = Health.up()
                .withDetail("revision", activation.ruleset().revision())
                .withDetail("version", activation.ruleset().version())
                .withDetail("activatedAt", activation.activatedAt().toString())
                .withDetail("watching", watcher.watching());
        active.lastRefusal().ifPresent(refusal -> health.withDetail("lastRefusal", describe(refusal)));
        return health.build();
    }

    private static Map<String, Object> describe(RulesetEvent refusal) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("revision", refusal.getRevision());
        details.put("occurredAt", refusal.getOccurredAt().toString());
        details.put("errorCount", refusal.getErrorCount());
        details.put(
                "diagnostics",
                refusal.getDiagnostics().stream()
                        .limit(SHOWN_DIAGNOSTICS)
                        .map(RulesetPublisher::format)
                        .toList());
        return details;
    }
}
