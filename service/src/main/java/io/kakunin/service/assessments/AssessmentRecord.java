package io.kakunin.service.assessments;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored assessment: what was submitted, what was decided, by which ruleset, for whom and when.
 * The request and the verdict are kept whole, as JSON, so an auditor can replay and compare.
 *
 * @param caller who submitted it: {@code key:<id>}, or for a token the unambiguous (issuer, subject) pair (see CallerJwtConverter.identity)
 */
record AssessmentRecord(
        UUID id,
        Instant createdAt,
        String caller,
        String organizationId,
        String overallOutcome,
        String rulesetRevision,
        String rulesetVersion,
        String locale,
        String requestJson,
        String verdictJson) {}
