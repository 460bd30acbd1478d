package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetDiagnostic;
import io.kakunin.api.model.RulesetEvent;
import io.kakunin.api.model.RulesetEventOutcome;
import io.kakunin.api.model.RulesetTrigger;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.storage.Page;
import io.kakunin.service.web.ApiProblem;
import java.nio.ByteBuffer;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where activated rulesets and ruleset events are kept: the files of every activated revision
 * (so that any instance can compile it again for re-evaluation), and every activation and
 * refusal: every statement on {@code ruleset_revision} and {@code ruleset_event}. Plain SQL with
 * named parameters, as every store of the service.
 */
@Component
class RulesetStore {

    private static final TypeReference<Map<String, String>> FILES = new TypeReference<>() {};
    private static final TypeReference<List<RulesetDiagnostic>> DIAGNOSTICS = new TypeReference<>() {};

    /**
     * What the store wrote is read back as written, with none of the limits and checks meant for
     * requests. The service's mapper holds every string to {@code kakunin.limits.max-string-length}
     * (262,144 characters by default) and refuses control characters: a ruleset file over about
     * 196 KB, whose base64 is longer than that, or a diagnostic quoting a control character,
     * would make a revision or the history unreadable, and so would lowering the limit later.
     * Stored data is bounded by what the service wrote, not by what a client may send.
     */
    private static final JsonMapper STORED = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(Integer.MAX_VALUE)
                            .build())
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final NamedParameterJdbcTemplate sql;
    private final JsonMapper json;
    private final Clock clock;

    RulesetStore(NamedParameterJdbcTemplate sql, JsonMapper json, Clock clock) {
        this.sql = sql;
        this.json = json;
        this.clock = clock;
    }

    /** Keeps an activated ruleset's files, once per revision, whichever instance gets there first. */
    void keep(Ruleset ruleset) {
        if (has(ruleset.revision())) {
            return;
        }
        Map<String, String> files = new LinkedHashMap<>();
        ruleset.files()
                .files()
                .forEach((path, bytes) -> files.put(path, Base64.getEncoder().encodeToString(bytes)));
        try {
            sql.update(
                    "INSERT INTO ruleset_revision (revision, version, source, stored_at, files_json) "
                            + "VALUES (:revision, :version, :source, :storedAt, :filesJson)",
                    new MapSqlParameterSource()
                            .addValue("revision", ruleset.revision())
                            .addValue("version", ruleset.version())
                            .addValue("source", ruleset.source())
                            .addValue("storedAt", clock.instant().atOffset(ZoneOffset.UTC))
                            .addValue("filesJson", json.writeValueAsString(files)));
        } catch (DataIntegrityViolationException e) {
            if (!has(ruleset.revision())) {
                throw e;
            }
            // Another instance stored the same revision meanwhile: the content is the same by definition.
        }
    }

    /** The files of a stored revision, and the label of where it was first loaded from (never a server path). */
    record Stored(RulesetFiles files, String source) {}

    Optional<Stored> find(String revision) {
        return sql
                .query(
                        "SELECT source, files_json FROM ruleset_revision WHERE revision = :revision",
                        new MapSqlParameterSource("revision", revision),
                        (rs, n) -> {
                            Map<String, byte[]> files = new LinkedHashMap<>();
                            STORED.readValue(rs.getString("files_json"), FILES)
                                    .forEach((path, base64) ->
                                            files.put(path, Base64.getDecoder().decode(base64)));
                            RulesetFiles restored = RulesetFiles.of(files);
                            if (!restored.revision().equals(revision)) {
                                throw new IllegalStateException("stored ruleset " + revision
                                        + " no longer has its revision's content (" + restored.revision() + ")");
                            }
                            return new Stored(restored, rs.getString("source"));
                        })
                .stream()
                .findFirst();
    }

    boolean has(String revision) {
        return !sql.queryForList(
                        "SELECT 1 FROM ruleset_revision WHERE revision = :revision",
                        new MapSqlParameterSource("revision", revision),
                        Integer.class)
                .isEmpty();
    }

    RulesetEvent record(RulesetEvent event) {
        sql.update(
                "INSERT INTO ruleset_event (id, occurred_at, revision, version, source, server_path, cause, outcome, rule_count, "
                        + "fixture_count, error_count, diagnostics_json) VALUES (:id, :occurredAt, :revision, :version, :source, "
                        + ":serverPath, :cause, :outcome, :ruleCount, :fixtureCount, :errorCount, :diagnosticsJson)",
                new MapSqlParameterSource()
                        .addValue("id", event.getId())
                        .addValue("occurredAt", event.getOccurredAt().withOffsetSameInstant(ZoneOffset.UTC))
                        .addValue("revision", event.getRevision())
                        .addValue("version", event.getVersion())
                        .addValue("source", event.getSource())
                        .addValue("serverPath", event.getPath())
                        .addValue("cause", event.getTrigger().getValue())
                        .addValue("outcome", event.getOutcome().getValue())
                        .addValue("ruleCount", event.getRuleCount(), Types.INTEGER)
                        .addValue("fixtureCount", event.getFixtureCount(), Types.INTEGER)
                        .addValue("errorCount", event.getErrorCount())
                        .addValue("diagnosticsJson", json.writeValueAsString(event.getDiagnostics())));
        return event;
    }

    /**
     * A page of the history, newest first, after the position {@code cursor} names (from the
     * start when null). The order is (occurred_at, id) descending, the key of the index
     * {@code ruleset_event_occurred}: the cursor is the key of the last event of the previous
     * page, so events recorded meanwhile (newer than any page read) neither repeat nor hide
     * any, and events of the same instant are split between pages by their id.
     */
    Page<RulesetEvent> events(int limit, String cursor) {
        MapSqlParameterSource parameters = new MapSqlParameterSource("limitPlusOne", limit + 1);
        String after = "";
        if (cursor != null) {
            Position position = Position.parse(cursor);
            after = " WHERE occurred_at <= :occurredAt AND (occurred_at < :occurredAt OR id < :id)";
            parameters
                    .addValue("occurredAt", position.occurredAt().atOffset(ZoneOffset.UTC))
                    .addValue("id", position.id());
        }
        List<Row> rows = sql.query(
                "SELECT id, occurred_at, revision, version, source, server_path, cause, outcome, rule_count, fixture_count, "
                        + "error_count, diagnostics_json FROM ruleset_event" + after
                        + " ORDER BY occurred_at DESC, id DESC FETCH FIRST :limitPlusOne ROWS ONLY",
                parameters,
                (rs, n) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    OffsetDateTime occurredAt = rs.getObject("occurred_at", OffsetDateTime.class);
                    return new Row(
                            new Position(occurredAt.toInstant(), id),
                            new RulesetEvent()
                                    .id(id)
                                    .occurredAt(occurredAt.withOffsetSameInstant(ZoneOffset.UTC))
                                    .revision(rs.getString("revision"))
                                    .version(rs.getString("version"))
                                    .source(rs.getString("source"))
                                    .path(rs.getString("server_path"))
                                    .trigger(RulesetTrigger.fromValue(rs.getString("cause")))
                                    .outcome(RulesetEventOutcome.fromValue(rs.getString("outcome")))
                                    .ruleCount(rs.getObject("rule_count", Integer.class))
                                    .fixtureCount(rs.getObject("fixture_count", Integer.class))
                                    .errorCount(rs.getInt("error_count"))
                                    .diagnostics(STORED.readValue(rs.getString("diagnostics_json"), DIAGNOSTICS)));
                });
        if (rows.size() <= limit) {
            return new Page<>(rows.stream().map(Row::event).toList(), null);
        }
        List<Row> page = rows.subList(0, limit);
        return new Page<>(
                page.stream().map(Row::event).toList(),
                page.get(limit - 1).position().encode());
    }

    private record Row(Position position, RulesetEvent event) {}

    /**
     * Where a page of the history ends: the stored time (at the precision the database keeps)
     * and id of its last event, as an opaque cursor of 38 URL-safe characters.
     */
    record Position(Instant occurredAt, UUID id) {

        private static final int BYTES = Long.BYTES + Integer.BYTES + 2 * Long.BYTES;
        /** The times both databases hold; a cursor outside them was not given by the service. */
        private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");

        private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

        String encode() {
            ByteBuffer bytes = ByteBuffer.allocate(BYTES)
                    .putLong(occurredAt.getEpochSecond())
                    .putInt(occurredAt.getNano())
                    .putLong(id.getMostSignificantBits())
                    .putLong(id.getLeastSignificantBits());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
        }

        /** The position a cursor stands for; a cursor the service did not give is a 400 naming {@code cursor}. */
        static Position parse(String cursor) {
            try {
                byte[] decoded = Base64.getUrlDecoder().decode(cursor);
                if (decoded.length == BYTES) {
                    ByteBuffer bytes = ByteBuffer.wrap(decoded);
                    long seconds = bytes.getLong();
                    int nanos = bytes.getInt();
                    if (seconds >= FIRST.getEpochSecond()
                            && seconds <= LAST.getEpochSecond()
                            && nanos >= 0
                            && nanos < 1_000_000_000) {
                        return new Position(
                                Instant.ofEpochSecond(seconds, nanos), new UUID(bytes.getLong(), bytes.getLong()));
                    }
                }
            } catch (IllegalArgumentException e) {
                // answered below, as every other cursor the service did not give
            }
            throw ApiProblem.invalid(
                    "cursor", "is not a cursor of the ruleset history; pass the nextCursor of the previous page");
        }
    }
}
