package io.kakunin.service.sharing;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.repository.Repository;

/** Stored sharing reviews. Records are written once and never changed. */
interface SharingReviewRecords extends Repository<SharingReviewRecord, UUID> {

    Optional<SharingReviewRecord> findById(UUID id);
}
