package io.kakunin.service.evaluation;

import io.kakunin.kb.input.InputFaultTexts;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.FieldProblem;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * The instant an evaluation endpoint is asked to evaluate as of ({@code asOf}, issue 18). Now by
 * default. An instant in the past is refused unless the caller asks for it ({@code allowPast=true}):
 * evaluated as of an earlier moment, an item whose effective date has passed would be a warning
 * again and an expired waiver would apply again, so back-dating is a way to dodge rules in force.
 * The verdict records the instant either way ({@code Assessment.asOf}).
 */
public final class AsOf {

    private AsOf() {}

    /**
     * The instant to evaluate as of, or null for the verdict's own time (now).
     *
     * @throws ApiProblem 400 naming {@code asOf} when it is before {@code now} and not allowed
     */
    public static Instant of(OffsetDateTime asOf, Boolean allowPast, Instant now, Locale locale) {
        if (asOf == null) {
            return null;
        }
        if (asOf.getYear() < 1 || asOf.getYear() > 9999) {
            // RFC 3339 has four-digit years: nothing beyond can be stored or shown as the verdict's asOf.
            throw ApiProblem.invalid(
                    List.of(new FieldProblem("asOf", InputFaultTexts.about("asOf.RANGE", "asOf", locale))), locale);
        }
        Instant instant = asOf.toInstant();
        if (instant.isBefore(now) && !Boolean.TRUE.equals(allowPast)) {
            throw ApiProblem.invalid(
                    List.of(new FieldProblem("asOf", InputFaultTexts.about("asOf.PAST", "asOf", locale))), locale);
        }
        return instant;
    }
}
