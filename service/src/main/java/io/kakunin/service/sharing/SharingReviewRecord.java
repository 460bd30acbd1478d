package io.kakunin.service.sharing;

import java.time.Instant;
import java.util.UUID;

/** A stored sharing review: masked request and review, the digest of the original input, and who and when. */
record SharingReviewRecord(
        UUID id,
        Instant createdAt,
        String caller,
        String organizationId,
        String decision,
        String overallOutcome,
        String tlp,
        String inputKind,
        String inputDigest,
        boolean victimProfileProvided,
        String rulesetRevision,
        String rulesetVersion,
        String locale,
        String requestJson,
        String reviewJson) {}
