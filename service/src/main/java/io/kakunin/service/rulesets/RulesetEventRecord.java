package io.kakunin.service.rulesets;

import java.time.Instant;
import java.util.UUID;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** One activation or refusal of a ruleset, as stored. Written once, never changed. */
@Table("ruleset_event")
record RulesetEventRecord(
        @Id UUID id,
        Instant occurredAt,
        String revision,
        String version,
        String source,
        String cause,
        String outcome,
        Integer ruleCount,
        Integer fixtureCount,
        int errorCount,
        String diagnosticsJson) {
}
