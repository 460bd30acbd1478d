package io.kakunin.kb.ruleset;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What the engine knows of one rule: its name and package, the recommendation it decides, the
 * reason and remedy it declares, the instant from which its FAIL is enforced
 * ({@code @effectiveFrom}, as written; null when it is in force since it was published), and
 * where it is written.
 */
public record RuleInfo(
        String name,
        String packageName,
        String recommendationId,
        String reason,
        String remedy,
        String effectiveFrom,
        String file,
        int line) {

    /**
     * The rule's {@code @effectiveFrom} as an instant; empty when it has none or when it is not an
     * instant (RFC 3339 with an offset), which {@code Integrity} reports at the rule's line.
     */
    public Optional<Instant> effectiveFromInstant() {
        if (effectiveFrom == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(effectiveFrom.strip()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
