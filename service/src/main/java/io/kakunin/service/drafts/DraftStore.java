package io.kakunin.service.drafts;

import io.kakunin.service.storage.Transactions;
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
 * Where self-assessment drafts are kept: every statement on {@code assessment_draft}. Every
 * statement names the owner, so a draft can be read, replaced or deleted by the credentials that
 * saved it and by no one else, whatever path asks.
 */
@Component
class DraftStore {

    /** A stored draft: its answers as the JSON the service wrote. */
    record Row(UUID id, Instant savedAt, String label, String answersJson) {}

    private final NamedParameterJdbcTemplate sql;
    private final Transactions transactions;

    DraftStore(NamedParameterJdbcTemplate sql, Transactions transactions) {
        this.sql = sql;
        this.transactions = transactions;
    }

    /** Writes the draft: a new one, or the owner's draft of that id replaced; false when the id is another's. */
    boolean save(UUID id, String owner, Instant at, String label, String answersJson) {
        MapSqlParameterSource values = new MapSqlParameterSource()
                .addValue("id", id)
                .addValue("owner", owner)
                .addValue("savedAt", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .addValue("label", label)
                .addValue("answers", answersJson);
        boolean[] saved = {false};
        transactions.write(
                () -> {
                    int updated = sql.update(
                            "UPDATE assessment_draft SET saved_at = :savedAt, label = :label, answers_json = :answers "
                                    + "WHERE id = :id AND owner = :owner",
                            values);
                    if (updated == 0) {
                        Integer taken = sql.queryForObject(
                                "SELECT COUNT(*) FROM assessment_draft WHERE id = :id", values, Integer.class);
                        if (taken != null && taken == 0) {
                            sql.update(
                                    "INSERT INTO assessment_draft (id, owner, saved_at, label, answers_json) "
                                            + "VALUES (:id, :owner, :savedAt, :label, :answers)",
                                    values);
                            updated = 1;
                        }
                    }
                    saved[0] = updated == 1;
                },
                "this draft");
        return saved[0];
    }

    Optional<Row> find(UUID id, String owner) {
        return sql
                .query(
                        "SELECT id, saved_at, label, answers_json FROM assessment_draft WHERE id = :id AND owner = :owner",
                        new MapSqlParameterSource().addValue("id", id).addValue("owner", owner),
                        (rs, n) -> row(rs))
                .stream()
                .findFirst();
    }

    /** The owner's drafts, the last saved first. */
    List<Row> list(String owner, int limit) {
        return sql.query(
                "SELECT id, saved_at, label, answers_json FROM assessment_draft WHERE owner = :owner "
                        + "ORDER BY saved_at DESC, id DESC LIMIT :limit",
                new MapSqlParameterSource().addValue("owner", owner).addValue("limit", limit),
                (rs, n) -> row(rs));
    }

    int count(String owner) {
        Integer n = sql.queryForObject(
                "SELECT COUNT(*) FROM assessment_draft WHERE owner = :owner",
                new MapSqlParameterSource("owner", owner),
                Integer.class);
        return n == null ? 0 : n;
    }

    void delete(UUID id, String owner) {
        transactions.write(
                () -> sql.update(
                        "DELETE FROM assessment_draft WHERE id = :id AND owner = :owner",
                        new MapSqlParameterSource().addValue("id", id).addValue("owner", owner)),
                "the deletion of this draft");
    }

    private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Row(
                rs.getObject("id", UUID.class),
                rs.getObject("saved_at", OffsetDateTime.class).toInstant(),
                rs.getString("label"),
                rs.getString("answers_json"));
    }
}
