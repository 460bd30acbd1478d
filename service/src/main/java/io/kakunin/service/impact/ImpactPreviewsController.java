package io.kakunin.service.impact;

import io.kakunin.api.ImpactPreviewsApi;
import io.kakunin.api.model.ImpactPreview;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.RulesetUpload;
import io.kakunin.kb.input.InputFaultTexts;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.assessments.Assessments;
import io.kakunin.service.rulesets.RulesetCandidates;
import io.kakunin.service.security.Caller;
import io.kakunin.service.web.ApiProblem;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The impact preview of a candidate ruleset over stored assessments, as a job: see
 * {@link ImpactJobs}. The candidate upload is read by validation's reader
 * ({@link RulesetCandidates#read}) on the request; it is compiled on the job's thread.
 */
@RestController
class ImpactPreviewsController implements ImpactPreviewsApi {

    private final ImpactJobs jobs;
    private final RulesetCandidates candidates;

    ImpactPreviewsController(ImpactJobs jobs, RulesetCandidates candidates) {
        this.jobs = jobs;
        this.candidates = candidates;
    }

    @Override
    public ResponseEntity<ImpactPreview> createImpactPreview(
            String revision,
            String organizationId,
            String productId,
            OverallOutcome outcome,
            String failedRecommendation,
            String rulesetRevision,
            OffsetDateTime createdFrom,
            OffsetDateTime createdTo,
            RulesetUpload upload) {
        ImpactJobs.Source source;
        if (revision != null && upload != null) {
            throw invalid("revision", "impact.BOTH");
        } else if (revision != null) {
            if (!candidates.isAvailable(revision)) {
                throw invalid("revision", "impact.UNKNOWN_REVISION");
            }
            source = new ImpactJobs.Source(null, revision);
        } else if (upload != null) {
            source = new ImpactJobs.Source(candidates.read(upload), null);
        } else {
            throw invalid("/files", "impact.NEITHER");
        }
        if (createdFrom != null && createdTo != null && !createdFrom.isBefore(createdTo)) {
            throw invalid("createdTo", "impact.EMPTY_WINDOW");
        }
        ImpactPreview job = jobs.start(
                source,
                new Assessments.Filter(
                        organizationId,
                        productId,
                        outcome,
                        failedRecommendation,
                        rulesetRevision,
                        createdFrom,
                        createdTo),
                Caller.current().id());
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .replaceQuery(null)
                .path("/{id}")
                .buildAndExpand(job.getId())
                .toUri();
        return ResponseEntity.accepted().location(location).body(job);
    }

    /** A 400 naming the field, in the caller's language (the texts of every input fault). */
    private static ApiProblem invalid(String pointer, String key) {
        String language = null;
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            language = attributes.getRequest().getHeader(HttpHeaders.ACCEPT_LANGUAGE);
        }
        return ApiProblem.invalid(pointer, InputFaultTexts.text(key, Locales.resolve(language)));
    }

    @Override
    public ResponseEntity<ImpactPreview> getImpactPreview(UUID id) {
        return ResponseEntity.ok(jobs.find(id));
    }

    @Override
    public ResponseEntity<ImpactPreview> cancelImpactPreview(UUID id) {
        return ResponseEntity.accepted().body(jobs.cancel(id));
    }
}
