package io.kakunin.service.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;

/** Stored API keys. */
interface ApiKeyRecords extends Repository<ApiKeyRecord, UUID> {

    Optional<ApiKeyRecord> findById(UUID id);

    Optional<ApiKeyRecord> findByKeyHash(String keyHash);

    List<ApiKeyRecord> findAllByOrderByCreatedAtDescIdDesc();

    boolean existsByRevokedAtIsNull();

    List<ApiKeyRecord> findAllByRevokedAtIsNull();

    @Modifying
    @Query("UPDATE api_key SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
    int revoke(UUID id, Instant at);
}
