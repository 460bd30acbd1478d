package io.kakunin.service.impact;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.ImpactNotReplayed;
import io.kakunin.api.model.ImpactPreview;
import io.kakunin.api.model.ImpactPreviewState;
import io.kakunin.api.model.ImpactProgress;
import io.kakunin.api.model.ImpactSummary;
import io.kakunin.api.model.ValidationReport;
import io.kakunin.api.model.Waiver;
import io.kakunin.kb.ImpactTally;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.ExecutorConfiguration;
import io.kakunin.service.assessments.Assessments;
import io.kakunin.service.assessments.StoredAssessments;
import io.kakunin.service.evaluation.Evaluations;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.rulesets.RulesetCandidates;
import io.kakunin.service.storage.Page;
import io.kakunin.service.waivers.WaiverStore;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.Ids;
import io.kakunin.service.web.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Impact preview jobs: each evaluates the stored assessments a selection holds by the active
 * ruleset and by a candidate, and counts what moves ({@link ImpactTally}, the comparison
 * {@code kakunin impact} runs too). A job pages through the store (one page in memory at a time),
 * evaluates each stored request as the re-evaluation does (in its language, as of its own time),
 * and overlays both verdicts with the waivers of its organization through {@link Evaluations}.
 *
 * <p>Jobs are held in this instance's memory, run one at a time on the impact executor, and a
 * finished one is kept for {@code kakunin.impact.keep}; then only its ID is remembered, so that it
 * is answered 410 rather than 404. A job does not survive a restart.
 */
@Component
public class ImpactJobs {

    private static final Logger log = LoggerFactory.getLogger(ImpactJobs.class);

    /** The answer for what the preview does not replay: said, never guessed. */
    static final String SHARING_REVIEWS_NOT_REPLAYED =
            "Stored sharing reviews are not replayed: the victim profile of a review is never stored, so a stored "
                    + "review cannot be evaluated again. Review the planned shares again with the candidate ruleset "
                    + "(POST /v1/rulesets/validate runs its fixtures) instead.";

    /** How many expired job IDs are remembered, to answer 410 for them. */
    private static final int GONE_REMEMBERED = 10_000;

    /** What the candidate is: an upload read by validation's reader, or a stored revision. */
    public record Source(RulesetCandidates.Candidate upload, String revision) {}

    private final Map<UUID, Job> jobs = new ConcurrentHashMap<>();
    private final Map<UUID, Boolean> gone = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > GONE_REMEMBERED;
        }
    };
    private final ActiveRuleset active;
    private final RulesetCandidates candidates;
    private final StoredAssessments stored;
    private final WaiverStore waivers;
    private final JsonMapper json;
    private final Clock clock;
    private final Executor executor;
    private final Duration keep;
    private final int maxListed;
    private final int pageSize;
    private final int maxJobs;

    ImpactJobs(
            ActiveRuleset active,
            RulesetCandidates candidates,
            StoredAssessments stored,
            WaiverStore waivers,
            JsonMapper json,
            Clock clock,
            @Qualifier(ExecutorConfiguration.IMPACT) Executor executor,
            @Value("${kakunin.impact.keep:PT1H}") Duration keep,
            @Value("${kakunin.impact.max-listed:1000}") int maxListed,
            @Value("${kakunin.impact.page-size:200}") int pageSize,
            @Value("${kakunin.impact.max-jobs:8}") int maxJobs) {
        this.active = active;
        this.candidates = candidates;
        this.stored = stored;
        this.waivers = waivers;
        this.json = json;
        this.clock = clock;
        this.executor = executor;
        this.keep = keep;
        this.maxListed = maxListed;
        this.pageSize = pageSize;
        this.maxJobs = maxJobs;
    }

    /** Queues a job; 503 when {@code kakunin.impact.max-jobs} are queued or running already. */
    public ImpactPreview start(Source source, Assessments.Filter selection, String caller) {
        sweep();
        long unfinished = jobs.values().stream().filter(j -> !j.finished()).count();
        if (unfinished >= maxJobs) {
            throw ApiProblem.busy("Other impact previews are queued or running; retry when one has finished.", 30);
        }
        Ruleset base = active.ruleset();
        String candidateRevision = source.upload() != null ? candidates.revision(source.upload()) : source.revision();
        Job job = new Job(Ids.newId(clock), clock.instant(), caller, base.revision(), candidateRevision);
        jobs.put(job.id, job);
        try {
            executor.execute(() -> run(job, source, base, selection));
        } catch (RejectedExecutionException e) {
            jobs.remove(job.id);
            throw ApiProblem.busy("The service is stopping; start the impact preview again on another instance.", 5);
        }
        return job.view();
    }

    /** A job as it stands: 404 for one never known, 410 for one no longer kept. */
    public ImpactPreview find(UUID id) {
        return job(id).view();
    }

    /** Asks a job to stop: 409 when it has finished already. */
    ImpactPreview cancel(UUID id) {
        Job job = job(id);
        synchronized (job) {
            if (job.finished()) {
                throw ApiProblem.conflict(
                        "impact-preview-finished",
                        "The impact preview has finished",
                        "The impact preview " + id + " is " + job.state + " already; there is nothing to cancel.");
            }
            job.cancelled = true;
            if (job.state == ImpactPreviewState.QUEUED) {
                finish(job, ImpactPreviewState.CANCELLED, null);
            }
        }
        return job.view();
    }

    private Job job(UUID id) {
        sweep();
        Job job = jobs.get(id);
        if (job != null) {
            return job;
        }
        boolean expired;
        synchronized (gone) {
            expired = gone.containsKey(id);
        }
        if (expired) {
            throw new ApiProblem(
                    HttpStatus.GONE,
                    null,
                    "The impact preview " + id + " finished more than " + keep.toMinutes()
                            + " minutes ago and is no longer kept (kakunin.impact.keep); start it again.");
        }
        throw new NotFoundException("impact preview", id);
    }

    /** Forgets the results of jobs that finished longer than {@code keep} ago, remembering their IDs. */
    private void sweep() {
        Instant now = clock.instant();
        for (Job job : jobs.values()) {
            Instant expires = job.expiresAt;
            if (expires != null && !now.isBefore(expires)) {
                jobs.remove(job.id);
                synchronized (gone) {
                    gone.put(job.id, Boolean.TRUE);
                }
            }
        }
    }

    private void run(Job job, Source source, Ruleset base, Assessments.Filter selection) {
        synchronized (job) {
            if (job.cancelled) {
                return;
            }
            job.state = ImpactPreviewState.RUNNING;
        }
        try {
            Ruleset candidate = candidate(job, source);
            if (candidate == null) {
                return;
            }
            job.total = stored.count(selection);
            ImpactTally tally = new ImpactTally(maxListed);
            job.tally = tally;
            job.countingSince = System.nanoTime();
            String cursor = null;
            do {
                if (job.cancelled) {
                    break;
                }
                Page<StoredAssessments.Stored> page = stored.page(selection, pageSize, cursor);
                Map<String, List<Waiver>> byOrganization = waiversOf(page.items());
                for (StoredAssessments.Stored record : page.items()) {
                    if (job.cancelled) {
                        break;
                    }
                    compare(record, base, candidate, byOrganization, tally);
                    job.counted++;
                }
                cursor = page.nextCursor();
            } while (cursor != null);
            finish(job, job.cancelled ? ImpactPreviewState.CANCELLED : ImpactPreviewState.DONE, null);
            log.info(
                    "Impact preview {} of {} against {}: {} ({} assessments/s)",
                    job.id,
                    job.candidateRevision,
                    job.activeRevision,
                    job.state,
                    String.format(Locale.ROOT, "%.1f", job.rate()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(job, ImpactPreviewState.FAILED, "The service stopped while the impact preview ran.");
        } catch (RuntimeException e) {
            log.warn("Impact preview {} failed", job.id, e);
            finish(job, ImpactPreviewState.FAILED, "The impact preview failed: " + e.getMessage());
        }
    }

    /** The candidate compiled, or null when the job ended (refused candidate, cancelled). */
    private Ruleset candidate(Job job, Source source) throws InterruptedException {
        if (source.upload() != null) {
            RulesetCandidates.Checked checked = candidates.checkWhenFree(source.upload());
            job.candidate = checked.report();
            if (checked.ruleset() == null) {
                finish(
                        job,
                        ImpactPreviewState.FAILED,
                        "The candidate ruleset does not compile; candidate.diagnostics lists every error.");
                return null;
            }
            return checked.ruleset();
        }
        while (true) {
            if (job.cancelled) {
                finish(job, ImpactPreviewState.CANCELLED, null);
                return null;
            }
            try {
                Optional<Ruleset> compiled = candidates.stored(source.revision());
                if (compiled.isEmpty()) {
                    finish(job, ImpactPreviewState.FAILED, "The revision " + source.revision() + " left the store.");
                    return null;
                }
                return compiled.get();
            } catch (ActiveRuleset.StillCompiling e) {
                // A job has no caller waiting: it waits for the compile, checking for a cancellation between waits.
            }
        }
    }

    /** The waivers of each organization of a page, read once per page: from the oldest record's time on. */
    private Map<String, List<Waiver>> waiversOf(List<StoredAssessments.Stored> page) {
        Map<String, Instant> oldest = new HashMap<>();
        for (StoredAssessments.Stored r : page) {
            if (r.organizationId() != null) {
                oldest.merge(r.organizationId(), r.createdAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Map<String, List<Waiver>> found = new HashMap<>();
        oldest.forEach((organization, from) -> found.put(organization, waivers.approved(organization, from)));
        return found;
    }

    private void compare(
            StoredAssessments.Stored record,
            Ruleset base,
            Ruleset candidate,
            Map<String, List<Waiver>> byOrganization,
            ImpactTally tally) {
        try {
            AssessmentRequest request = json.readValue(record.requestJson(), AssessmentRequest.class);
            Clock asOf = Clock.fixed(record.createdAt(), ZoneOffset.UTC);
            Locale locale = Locales.resolve(record.locale());
            List<Waiver> organizationWaivers = byOrganization.getOrDefault(record.organizationId(), List.of());
            String operation = "impact preview of assessment " + record.id();
            Evaluations.Evaluated<io.kakunin.api.model.Assessment> before =
                    Evaluations.assessUnrendered(base.withClock(asOf), request, organizationWaivers, locale, operation);
            Evaluations.Evaluated<io.kakunin.api.model.Assessment> after = Evaluations.assessUnrendered(
                    candidate.withClock(asOf), request, organizationWaivers, locale, operation);
            if (before.failed() || after.failed()) {
                tally.failed();
            } else {
                tally.add(record.id().toString(), before.verdict(), after.verdict());
            }
        } catch (InvalidFactsException | ApiProblem | JacksonException e) {
            // A stored request the engine no longer takes (its contract changed since): not comparable.
            tally.failed();
        }
    }

    private void finish(Job job, ImpactPreviewState state, String failure) {
        synchronized (job) {
            if (job.finished()) {
                return;
            }
            job.state = state;
            job.failure = failure;
            job.finishedAt = clock.instant();
            job.expiresAt = job.finishedAt.plus(keep);
            job.countingUntil = System.nanoTime();
            if (job.tally != null) {
                job.summary = job.tally.summary();
            }
        }
    }

    /** One job. Written by its runner; read by any request, through {@link #view}. */
    private static final class Job {
        final UUID id;
        final Instant createdAt;
        final String createdBy;
        final String activeRevision;
        final String candidateRevision;
        volatile ImpactPreviewState state = ImpactPreviewState.QUEUED;
        volatile boolean cancelled;
        volatile long counted;
        volatile Long total;
        volatile long countingSince;
        volatile long countingUntil;
        volatile ValidationReport candidate;
        volatile ImpactTally tally;
        volatile ImpactSummary summary;
        volatile String failure;
        volatile Instant finishedAt;
        volatile Instant expiresAt;

        Job(UUID id, Instant createdAt, String createdBy, String activeRevision, String candidateRevision) {
            this.id = id;
            this.createdAt = createdAt;
            this.createdBy = createdBy;
            this.activeRevision = activeRevision;
            this.candidateRevision = candidateRevision;
        }

        boolean finished() {
            return state == ImpactPreviewState.DONE
                    || state == ImpactPreviewState.CANCELLED
                    || state == ImpactPreviewState.FAILED;
        }

        /** Assessments (each evaluated twice) per second since counting began. */
        double rate() {
            if (countingSince == 0 || counted == 0) {
                return 0;
            }
            double seconds = ((countingUntil != 0 ? countingUntil : System.nanoTime()) - countingSince) / 1e9;
            return seconds <= 0 ? 0 : counted / seconds;
        }

        synchronized ImpactPreview view() {
            return new ImpactPreview()
                    .id(id)
                    .state(state)
                    .createdAt(createdAt.atOffset(ZoneOffset.UTC))
                    .createdBy(createdBy)
                    .finishedAt(finishedAt == null ? null : finishedAt.atOffset(ZoneOffset.UTC))
                    .expiresAt(expiresAt == null ? null : expiresAt.atOffset(ZoneOffset.UTC))
                    .activeRevision(activeRevision)
                    .candidateRevision(candidateRevision)
                    .candidate(candidate)
                    .progress(new ImpactProgress().counted(counted).total(total))
                    .assessmentsPerSecond(countingSince == 0 ? null : Math.round(rate() * 10) / 10.0)
                    .summary(summary)
                    .sharingReviews(new ImpactNotReplayed().replayed(false).reason(SHARING_REVIEWS_NOT_REPLAYED))
                    .failure(failure);
        }
    }
}
