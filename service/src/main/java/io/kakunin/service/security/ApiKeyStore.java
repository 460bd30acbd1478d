package io.kakunin.service.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where API keys are kept: every statement on {@code api_key}. Rows are never deleted: a revoked
 * key keeps its record for the audit trail. Plain SQL with named parameters, as every store of
 * the service.
 */
@Component
class ApiKeyStore {

    private static final String COLUMNS = "id, name, roles, key_prefix, key_hash, created_at, created_by, revoked_at";

    private final NamedParameterJdbcTemplate sql;

    ApiKeyStore(NamedParameterJdbcTemplate sql) {
        this.sql = sql;
    }

    /** Stores a new key (not revoked); a key hash stored already is a {@code DuplicateKeyException}. */
    void insert(ApiKeyRecord r) {
        sql.update(
                "INSERT INTO api_key (id, name, roles, key_prefix, key_hash, created_at, created_by) "
                        + "VALUES (:id, :name, :roles, :keyPrefix, :keyHash, :createdAt, :createdBy)",
                new MapSqlParameterSource()
                        .addValue("id", r.id())
                        .addValue("name", r.name())
                        .addValue("roles", r.roles())
                        .addValue("keyPrefix", r.keyPrefix())
                        .addValue("keyHash", r.keyHash())
                        .addValue("createdAt", r.createdAt().atOffset(ZoneOffset.UTC))
                        .addValue("createdBy", r.createdBy()));
    }

    Optional<ApiKeyRecord> find(UUID id) {
        return one("SELECT " + COLUMNS + " FROM api_key WHERE id = :id", new MapSqlParameterSource("id", id));
    }

    Optional<ApiKeyRecord> findByHash(String keyHash) {
        return one(
                "SELECT " + COLUMNS + " FROM api_key WHERE key_hash = :keyHash",
                new MapSqlParameterSource("keyHash", keyHash));
    }

    /** Every key, newest first. */
    List<ApiKeyRecord> all() {
        return sql.query("SELECT " + COLUMNS + " FROM api_key ORDER BY created_at DESC, id DESC", ApiKeyStore::record);
    }

    /**
     * The keys that are not revoked, each locked (on H2 as on PostgreSQL) until the calling
     * transaction ends: a second caller waits here, then sees only the keys still active after
     * the first one committed. In id order, so that two callers never lock in opposite orders.
     */
    List<ApiKeyRecord> lockActive() {
        return sql.query(
                "SELECT " + COLUMNS + " FROM api_key WHERE revoked_at IS NULL ORDER BY id FOR UPDATE",
                ApiKeyStore::record);
    }

    boolean anyActive() {
        return !sql.queryForList(
                        "SELECT 1 FROM api_key WHERE revoked_at IS NULL FETCH FIRST 1 ROWS ONLY",
                        new MapSqlParameterSource(),
                        Integer.class)
                .isEmpty();
    }

    /** Marks a key revoked at {@code at}, unless it is already. */
    void revoke(UUID id, Instant at) {
        sql.update(
                "UPDATE api_key SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL",
                new MapSqlParameterSource("id", id).addValue("at", at.atOffset(ZoneOffset.UTC)));
    }

    private Optional<ApiKeyRecord> one(String query, MapSqlParameterSource parameters) {
        return sql.query(query, parameters, ApiKeyStore::record).stream().findFirst();
    }

    private static ApiKeyRecord record(ResultSet rs, int row) throws SQLException {
        OffsetDateTime revokedAt = rs.getObject("revoked_at", OffsetDateTime.class);
        return new ApiKeyRecord(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("roles"),
                rs.getString("key_prefix"),
                rs.getString("key_hash"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("created_by"),
                revokedAt == null ? null : revokedAt.toInstant());
    }
}
