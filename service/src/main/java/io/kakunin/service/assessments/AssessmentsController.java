package io.kakunin.service.assessments;

import io.kakunin.api.AssessmentsApi;
import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.kb.Locales;
import io.kakunin.kb.Ruleset;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.NotFoundException;

import java.net.URI;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;

import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

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
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_LANGUAGE, verdict.getLocale()).body(verdict);
    }
}
