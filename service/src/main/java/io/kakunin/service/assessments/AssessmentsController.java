package io.kakunin.service.assessments;

import io.kakunin.api.AssessmentsApi;
import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.Reevaluation;
import io.kakunin.kb.Locales;
import io.kakunin.kb.Ruleset;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.NotFoundException;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Product-security assessments: evaluate, store, return; fetch again later. A verdict is
 * committed to the store before the response is sent, so a 201 always means it is kept.
 */
@RestController
class AssessmentsController implements AssessmentsApi {

    private final ActiveRuleset active;
    private final AssessmentRecords records;
    private final JdbcAggregateTemplate jdbc;
    private final JsonMapper json;
    private final Clock clock;

    AssessmentsController(ActiveRuleset active, AssessmentRecords records, JdbcAggregateTemplate jdbc, JsonMapper json, Clock clock) {
        this.active = active;
        this.records = records;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public ResponseEntity<Assessment> createAssessment(AssessmentRequest request, String acceptLanguage) {
        Locale locale = Locales.resolve(acceptLanguage);
        Ruleset ruleset = active.ruleset();
        String requestJson = json.writeValueAsString(request);
        Assessment verdict = ruleset.assess(request, locale).id(Ids.newId(clock));
        jdbc.insert(new AssessmentRecord(verdict.getId(), verdict.getCreatedAt().toInstant(), "anonymous",
                request.getOrganization().getId(), verdict.getOverallOutcome().getValue(),
                ruleset.revision(), ruleset.version(), verdict.getLocale(), requestJson, json.writeValueAsString(verdict)));
        verdict.getRuleset().available(true);
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(verdict.getId()).toUri();
        return ResponseEntity.created(location).header(HttpHeaders.CONTENT_LANGUAGE, verdict.getLocale()).body(verdict);
    }

    @Override
    public ResponseEntity<Assessment> getAssessment(UUID id, String acceptLanguage) {
        AssessmentRecord record = records.findById(id).orElseThrow(() -> new NotFoundException("assessment", id));
        Assessment verdict = json.readValue(record.verdictJson(), Assessment.class);
        Locale wanted = Locales.resolve(acceptLanguage);
        if (acceptLanguage != null && !Locales.tag(wanted).equals(verdict.getLocale())) {
            // Texts can be rewritten only by the ruleset that decided: same revision, same messages.
            active.byRevision(record.rulesetRevision()).ifPresent(ruleset -> ruleset.localize(verdict, wanted));
        }
        verdict.getRuleset().available(active.isAvailable(record.rulesetRevision()));
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_LANGUAGE, verdict.getLocale()).body(verdict);
    }

    /**
     * Evaluates the stored request again under the revision that decided it, as of the stored
     * verdict's time, in its language, and compares field for field. Nothing is stored.
     */
    @Override
    public ResponseEntity<Reevaluation> reevaluateAssessment(UUID id) {
        AssessmentRecord record = records.findById(id).orElseThrow(() -> new NotFoundException("assessment", id));
        Ruleset ruleset = active.byRevision(record.rulesetRevision()).orElseThrow(() -> ApiProblem.conflict("ruleset-unavailable",
                "The ruleset that decided is no longer available",
                "The rules of revision " + record.rulesetRevision() + " are no longer held by the service; the stored verdict stands as "
                        + "recorded but cannot be recomputed."));
        JsonNode stored = json.readTree(record.verdictJson());
        Assessment original = json.treeToValue(stored, Assessment.class);
        Instant asOf = original.getCreatedAt().toInstant();
        AssessmentRequest request = json.readValue(record.requestJson(), AssessmentRequest.class);
        Assessment again = ruleset.withClock(Clock.fixed(asOf, ZoneOffset.UTC)).assess(request, Locales.resolve(record.locale())).id(record.id());
        List<String> differences = JsonDifferences.between(stored, json.valueToTree(again));
        again.getRuleset().available(true);
        return ResponseEntity.ok(new Reevaluation()
                .assessmentId(record.id())
                .revision(record.rulesetRevision())
                .evaluatedAsOf(asOf.atOffset(ZoneOffset.UTC))
                .identical(differences.isEmpty())
                .differences(differences)
                .verdict(again));
    }
}
