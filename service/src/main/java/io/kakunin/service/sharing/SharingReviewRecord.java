package io.kakunin.service.sharing;

import java.time.Instant;
import java.util.UUID;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A stored sharing review: masked request and review, the digest of the original input, and who and when. */
@Table("sharing_review")
record SharingReviewRecord(
        @Id UUID id,
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
        String reviewJson) {
}
