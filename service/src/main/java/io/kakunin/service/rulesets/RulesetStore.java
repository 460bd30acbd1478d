package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetDiagnostic;
import io.kakunin.api.model.RulesetEvent;
import io.kakunin.api.model.RulesetEventOutcome;
import io.kakunin.api.model.RulesetTrigger;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.RulesetFiles;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Limit;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.data.relational.core.conversion.DbActionExecutionException;
import org.springframework.stereotype.Component;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where activated rulesets and ruleset events are kept: the files of every activated revision
 * (so that any instance can compile it again for re-evaluation), and every activation and
 * refusal.
 */
@Component
class RulesetStore {

    private static final TypeReference<Map<String, String>> FILES = new TypeReference<>() {
    };
    private static final TypeReference<List<RulesetDiagnostic>> DIAGNOSTICS = new TypeReference<>() {
    };

    private final JdbcAggregateTemplate jdbc;
    private final RulesetEventRecords events;
    private final RulesetRevisionRecords revisions;
    private final JsonMapper json;
    private final Clock clock;

    RulesetStore(JdbcAggregateTemplate jdbc, RulesetEventRecords events, RulesetRevisionRecords revisions, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.revisions = revisions;
        this.json = json;
        this.clock = clock;
    }

    /** Keeps an activated ruleset's files, once per revision, whichever instance gets there first. */
    void keep(Ruleset ruleset) {
        if (revisions.existsById(ruleset.revision())) {
            return;
        }
        Map<String, String> files = new LinkedHashMap<>();
        ruleset.files().files().forEach((path, bytes) -> files.put(path, Base64.getEncoder().encodeToString(bytes)));
        try {
            jdbc.insert(new RulesetRevisionRecord(ruleset.revision(), ruleset.version(), ruleset.source(), clock.instant(),
                    json.writeValueAsString(files)));
        } catch (DbActionExecutionException | DataIntegrityViolationException e) {
            if (!revisions.existsById(ruleset.revision())) {
                throw e;
            }
            // Another instance stored the same revision meanwhile: the content is the same by definition.
        }
    }

    /** The files of a stored revision, and where it was first loaded from. */
    record Stored(RulesetFiles files, String source) {
    }

    Optional<Stored> find(String revision) {
        return revisions.findById(revision).map(record -> {
            Map<String, byte[]> files = new LinkedHashMap<>();
            json.readValue(record.filesJson(), FILES).forEach((path, base64) -> files.put(path, Base64.getDecoder().decode(base64)));
            RulesetFiles restored = RulesetFiles.of(files);
            if (!restored.revision().equals(revision)) {
                throw new IllegalStateException("stored ruleset " + revision + " no longer has its revision's content (" + restored.revision() + ")");
            }
            return new Stored(restored, record.source());
        });
    }

    boolean has(String revision) {
        return revisions.existsById(revision);
    }

    RulesetEvent record(RulesetEvent event) {
        jdbc.insert(new RulesetEventRecord(event.getId(), event.getOccurredAt().toInstant(), event.getRevision(), event.getVersion(),
                event.getSource(), event.getTrigger().getValue(), event.getOutcome().getValue(), event.getRuleCount(),
                event.getFixtureCount(), event.getErrorCount(), json.writeValueAsString(event.getDiagnostics())));
        return event;
    }

    List<RulesetEvent> events(int limit) {
        return events.findAllByOrderByOccurredAtDescIdDesc(Limit.of(limit)).stream()
                .map(r -> new RulesetEvent()
                        .id(r.id())
                        .occurredAt(r.occurredAt().atOffset(ZoneOffset.UTC))
                        .revision(r.revision())
                        .version(r.version())
                        .source(r.source())
                        .trigger(RulesetTrigger.fromValue(r.cause()))
                        .outcome(RulesetEventOutcome.fromValue(r.outcome()))
                        .ruleCount(r.ruleCount())
                        .fixtureCount(r.fixtureCount())
                        .errorCount(r.errorCount())
                        .diagnostics(json.readValue(r.diagnosticsJson(), DIAGNOSTICS)))
                .toList();
    }
}
