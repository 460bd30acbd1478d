package io.kakunin.service.assessments;

import java.util.UUID;

import org.springframework.data.repository.Repository;

import java.util.Optional;

/** Stored assessments. Records are written once and never changed. */
interface AssessmentRecords extends Repository<AssessmentRecord, UUID> {

    Optional<AssessmentRecord> findById(UUID id);

    long count();
}
