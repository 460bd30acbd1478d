package io.kakunin.service.security;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key as stored: its SHA-256 hash, never the key.
 *
 * @param roles comma-separated role names
 */
record ApiKeyRecord(
        UUID id,
        String name,
        String roles,
        String keyPrefix,
        String keyHash,
        Instant createdAt,
        String createdBy,
        Instant revokedAt) {}
