package io.kakunin.service.security;

import java.time.Instant;
import java.util.UUID;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An API key as stored: its SHA-256 hash, never the key.
 *
 * @param roles comma-separated role names
 */
@Table("api_key")
record ApiKeyRecord(@Id UUID id, String name, String roles, String keyPrefix, String keyHash, Instant createdAt, String createdBy,
                    Instant revokedAt) {
}
