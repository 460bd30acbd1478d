package io.kakunin.service.evaluation;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.api.model.Waiver;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.Waivers;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.EvaluationFailures;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Every evaluation the service runs (a single request, a batch line, a re-evaluation, a sharing
 * review) goes through here, so that a rule that throws at run time is treated the same way on
 * every path: it is the ruleset's fault, named (rule, revision) and logged once by
 * {@link EvaluationFailures}, and nothing is stored. A single request answers it 500
 * {@code evaluation-failed} ({@link Evaluated#orThrow}); a batch answers it on the line and goes on.
 * Facts the engine refuses ({@link InvalidFactsException}) are the request's fault and pass through.
 *
 * <p>It is also the one place in the service where waivers meet a verdict: every assessment is
 * overlaid here, by {@link Waivers#apply}, with the waivers its caller read for the organization
 * ({@code WaiverStore.approved}), as of the verdict's own time. A re-evaluation evaluates as of the
 * stored verdict's time, so the waivers apply as they stood then (issue 18: one overlay, every path).
 */
public final class Evaluations {

    private Evaluations() {}

    /** A verdict, or the failure of the ruleset that was to make it. */
    public record Evaluated<T>(T verdict, EvaluationFailures.Failure failure) {

        public boolean failed() {
            return failure != null;
        }

        /** The verdict; a failure is thrown as the problem a single request is answered with. */
        public T orThrow() {
            if (failure != null) {
                throw failure.problem();
            }
            return verdict;
        }
    }

    /**
     * @param waivers   the waivers of the request's organization that may apply (any state: the
     *                  overlay keeps those in force at the verdict's time); none is {@code List.of()}
     * @param operation what is being done, for the log: {@code POST /v1/assessments}, {@code ... line 7}
     */
    public static Evaluated<Assessment> assess(
            Ruleset ruleset, AssessmentRequest request, Collection<Waiver> waivers, Locale locale, String operation) {
        return assess(ruleset, request, waivers, null, locale, operation);
    }

    /**
     * {@link #assess} as of an instant: the effective dates and the waivers are judged at it, and
     * the verdict records it as {@code asOf}; null is the verdict's own time (now). Whether a caller
     * may ask for an instant in the past is the endpoint's decision ({@code AsOf}).
     */
    public static Evaluated<Assessment> assess(
            Ruleset ruleset,
            AssessmentRequest request,
            Collection<Waiver> waivers,
            Instant asOf,
            Locale locale,
            String operation) {
        return waived(evaluate(ruleset, operation, () -> ruleset.assess(request, locale)), waivers, asOf);
    }

    /** {@link #assess} without rendering a text: the verdict as stored, for an answer that shows none. */
    public static Evaluated<Assessment> assessUnrendered(
            Ruleset ruleset, AssessmentRequest request, Collection<Waiver> waivers, Locale locale, String operation) {
        return assessUnrendered(ruleset, request, waivers, null, locale, operation);
    }

    /** {@link #assess(Ruleset, AssessmentRequest, Collection, Instant, Locale, String)} without rendering a text. */
    public static Evaluated<Assessment> assessUnrendered(
            Ruleset ruleset,
            AssessmentRequest request,
            Collection<Waiver> waivers,
            Instant asOf,
            Locale locale,
            String operation) {
        return waived(
                evaluate(
                        ruleset,
                        operation,
                        () -> ruleset.assessUnrendered(request).locale(Locales.tag(locale))),
                waivers,
                asOf);
    }

    /**
     * The overlay, outside the evaluation's failure handling: a fault in it would be the service's,
     * not the ruleset's, and must not be reported as a rule that failed.
     */
    private static Evaluated<Assessment> waived(
            Evaluated<Assessment> evaluated, Collection<Waiver> waivers, Instant asOf) {
        Objects.requireNonNull(waivers, "waivers");
        if (!evaluated.failed()) {
            Assessment verdict = evaluated.verdict();
            Waivers.apply(
                    verdict,
                    waivers,
                    asOf != null ? asOf : verdict.getCreatedAt().toInstant());
        }
        return evaluated;
    }

    public static Evaluated<SharingReview> review(
            Ruleset ruleset, SharingReviewRequest request, Locale locale, String operation) {
        return evaluate(ruleset, operation, () -> ruleset.review(request, locale));
    }

    private static <T> Evaluated<T> evaluate(Ruleset ruleset, String operation, Supplier<T> evaluation) {
        try {
            return new Evaluated<>(evaluation.get(), null);
        } catch (InvalidFactsException | ApiProblem e) {
            throw e;
        } catch (RuntimeException e) {
            return new Evaluated<>(null, EvaluationFailures.of(ruleset, e, operation));
        }
    }
}
