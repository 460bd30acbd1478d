package io.kakunin.kb;

import io.kakunin.api.model.AppliedWaiver;
import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.EffectiveOutcome;
import io.kakunin.api.model.Level;
import io.kakunin.api.model.LevelCounts;
import io.kakunin.api.model.MeasureSummary;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.OutcomeCounts;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.Waiver;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;

/**
 * The governance overlay: the one place where a verdict's effective outcomes, and the overall
 * outcome and counts that follow from them, are computed. Every path that produces or shows a
 * verdict (the engine itself with no waiver, the single request, the batch, the re-evaluation of a
 * stored verdict, the command line, and what is built on them) calls {@link #apply}; a second copy
 * of this logic would sooner or later honour a waiver this one refuses (Kyverno #17473).
 *
 * <pre>
 * Assessment verdict = ruleset.assess(request, locale);
 * Waivers.apply(verdict, waivers, verdict.getCreatedAt().toInstant());
 * </pre>
 *
 * A result keeps the {@code outcome} the rules decided; {@code effectiveOutcome} is that outcome,
 * or {@code WAIVED} for a {@code FAIL} that a waiver in force covers (with the waiver's id,
 * justification and expiry). {@code NEEDS_INFORMATION} is never waived: missing facts are not a
 * risk decision.
 *
 * <p>Effective dates are decided here too, from the {@code effectiveFrom} the verdict's results
 * carry (the ruleset's catalog gives it to every result of the item): a {@code FAIL} of an item not
 * yet in force at the instant is {@code WARN}, with the date named at the end of its message in the
 * verdict's language; it does not make the verdict NON_COMPLIANT and is counted under
 * {@code warned}. A waiver is irrelevant to it: {@code WARN} comes before {@code WAIVED}, so a
 * waiver shows only on a failure that is enforced. From the instant on, the same verdict evaluated
 * again is enforced: the decision is made here, at evaluation time, never when the ruleset loads.
 */
public final class Waivers {

    private static final List<Level> LEVELS = List.of(Level.MUST, Level.SHOULD, Level.INFO);

    /** Of two waivers that cover a result, the one that lasts longer is shown; then the lower id. */
    private static final Comparator<Waiver> PREFERRED =
            Comparator.comparing(Waivers::expiresAt).reversed().thenComparing(w -> String.valueOf(w.getId()));

    private Waivers() {}

    /**
     * Overlays the waivers in force at an instant on a verdict, in place, and returns it: each
     * result's effective outcome and waiver are set again from its outcome (a verdict can be
     * overlaid any number of times, with any waivers), then the overall outcome, the counts and the
     * counts per measure are recomputed from the effective outcomes.
     *
     * @param waivers every waiver that might apply, in any state: those of other organizations,
     *                awaiting approval, revoked or expired at {@code instant} are left aside
     * @param instant the moment the verdict is decided as of, recorded as its {@code asOf} (a
     *                re-evaluation passes the stored verdict's own, so that the waivers and the
     *                effective dates apply as they did then)
     */
    public static Assessment apply(Assessment verdict, Collection<Waiver> waivers, Instant instant) {
        Objects.requireNonNull(instant, "instant");
        List<Waiver> inForce = new ArrayList<>();
        for (Waiver w : waivers) {
            if (Objects.equals(w.getOrganizationId(), verdict.getOrganizationId()) && inForce(w, instant)) {
                inForce.add(w);
            }
        }
        inForce.sort(PREFERRED);
        Locale locale = verdict.getLocale() == null ? null : Locale.forLanguageTag(verdict.getLocale());
        for (Result result : verdict.getResults()) {
            note(result, locale, false);
            effective(result, inForce, instant);
            note(result, locale, true);
        }
        verdict.asOf(instant.atOffset(ZoneOffset.UTC));
        summarize(verdict);
        return verdict;
    }

    /** Sets one result's effective outcome and waiver from its outcome and the waivers in force. */
    private static void effective(Result result, List<Waiver> inForce, Instant instant) {
        result.effectiveOutcome(EffectiveOutcome.fromValue(result.getOutcome().getValue()))
                .waiver(null);
        if (result.getOutcome() != Outcome.FAIL) {
            return; // NEEDS_INFORMATION is never waived; PASS and NOT_APPLICABLE need no waiver
        }
        if (result.getEffectiveFrom() != null
                && instant.isBefore(result.getEffectiveFrom().toInstant())) {
            result.effectiveOutcome(EffectiveOutcome.WARN);
            return; // not yet in force: nothing to waive
        }
        for (Waiver w : inForce) {
            if (covers(w, result)) {
                result.effectiveOutcome(EffectiveOutcome.WAIVED)
                        .waiver(new AppliedWaiver()
                                .id(w.getId())
                                .justification(w.getJustification())
                                .expiresAt(expiresAt(w).atOffset(ZoneOffset.UTC)));
                return;
            }
        }
    }

    private static final String NOTES = "io.kakunin.kb.effective-dates";

    /**
     * The sentence that names when a warned item takes effect, in a language, the instant in that
     * language's medium date and time (UTC); null when the verdict has no language (unrendered).
     */
    static String warning(Locale locale, Instant effectiveFrom) {
        if (locale == null) {
            return null;
        }
        ResourceBundle texts;
        try {
            texts = ResourceBundle.getBundle(
                    NOTES,
                    locale,
                    ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        } catch (MissingResourceException e) {
            texts = ResourceBundle.getBundle(
                    NOTES,
                    Locale.ROOT,
                    ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        }
        String when = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM)
                .withLocale(locale)
                .withZone(ZoneOffset.UTC)
                .format(effectiveFrom);
        return texts.getString("warn").replace("{0}", when);
    }

    /**
     * Removes ({@code add} false) or, for a WARN result, appends ({@code add} true) the sentence
     * naming its effective date at the end of its message, so that the overlay applied again, at
     * another instant, leaves one sentence or none. A verdict rendered again in another language
     * ({@code Ruleset.localize}) gets it back through {@link #noteWarnings}.
     */
    private static void note(Result result, Locale locale, boolean add) {
        if (result.getMessage() == null || result.getEffectiveFrom() == null || locale == null) {
            return;
        }
        String sentence = " " + warning(locale, result.getEffectiveFrom().toInstant());
        String message = result.getMessage();
        if (!add && message.endsWith(sentence)) {
            result.message(message.substring(0, message.length() - sentence.length()));
        } else if (add && result.getEffectiveOutcome() == EffectiveOutcome.WARN && !message.endsWith(sentence)) {
            result.message(message + sentence);
        }
    }

    /** After a verdict's texts are rendered again in a language: its WARN results name their date again. */
    public static void noteWarnings(Assessment verdict) {
        Locale locale = verdict.getLocale() == null ? null : Locale.forLanguageTag(verdict.getLocale());
        for (Result result : verdict.getResults()) {
            note(result, locale, true);
        }
    }

    /**
     * Whether a waiver applies at an instant: approved (in a waivers file, naming its approver is
     * approval), not revoked by then, at or after its start and before its expiry. A waiver
     * without a start or an expiry that can be resolved applies to nothing (fail closed).
     */
    public static boolean inForce(Waiver w, Instant instant) {
        if (w.getApprovedBy() == null || w.getStartsAt() == null) {
            return false;
        }
        if (w.getApprovedAt() != null && w.getApprovedAt().toInstant().isAfter(instant)) {
            return false;
        }
        if (w.getRevokedAt() != null && !w.getRevokedAt().toInstant().isAfter(instant)) {
            return false;
        }
        Instant expiry = expiresAtOrNull(w);
        return expiry != null && !w.getStartsAt().toInstant().isAfter(instant) && instant.isBefore(expiry);
    }

    /** Whether a waiver's scope names a result: its recommendation (or measure), and its product when it names one. */
    public static boolean covers(Waiver w, Result result) {
        boolean item = w.getRecommendationId() != null
                ? w.getRecommendationId().equals(result.getRecommendationId())
                : w.getMeasure() != null && w.getMeasure().equals(result.getMeasure());
        if (!item) {
            return false;
        }
        if (w.getProductId() == null) {
            return true;
        }
        return result.getSubject() != null
                && result.getSubject().startsWith("/products/")
                && w.getProductId().equals(result.getSubjectId());
    }

    /**
     * The instant a waiver stops applying: its {@code expiresAt}, or the end of its
     * {@code expiresOn} day in its {@code timeZone} (the start of the next day there, so that a
     * waiver "until 2027-03-31" in Asia/Tokyo ends at 2027-03-31T15:00:00Z, never on 1 January).
     *
     * @throws IllegalArgumentException when it has neither, or a date without a known time zone
     *                                  ({@link #check} names the field)
     */
    public static Instant expiresAt(Waiver w) {
        Instant expiry = expiresAtOrNull(w);
        if (expiry == null) {
            throw new IllegalArgumentException("waiver " + w.getId() + " has no expiry that can be resolved");
        }
        return expiry;
    }

    private static Instant expiresAtOrNull(Waiver w) {
        if (w.getExpiresAt() != null) {
            return w.getExpiresAt().toInstant();
        }
        if (w.getExpiresOn() == null || w.getTimeZone() == null) {
            return null;
        }
        try {
            return w.getExpiresOn()
                    .plusDays(1)
                    .atStartOfDay(ZoneId.of(w.getTimeZone()))
                    .toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** What can be wrong with a waiver beyond what the contract's schema says. */
    public enum Fault {
        SCOPE_MISSING("name a recommendationId or a measure"),
        SCOPE_TWICE("name a recommendationId or a measure, not both"),
        EXPIRY_MISSING("give expiresAt (an instant) or expiresOn (a date, with timeZone)"),
        EXPIRY_TWICE("give expiresAt or expiresOn, not both"),
        TIME_ZONE_MISSING("expiresOn needs the timeZone the day is in, such as Asia/Tokyo"),
        TIME_ZONE_UNKNOWN("is not a time zone; use an IANA name such as Asia/Tokyo or Europe/Paris"),
        EXPIRES_BEFORE_START("the expiry must come after startsAt"),
        REQUIRED("is required"),
        APPROVED_BY_REQUESTER("the requester cannot approve their own waiver: another person approves it");

        private final String english;

        Fault(String english) {
            this.english = english;
        }

        /** The fault in English; the service renders it in the caller's language from its key. */
        public String english() {
            return english;
        }
    }

    /** One problem of a waiver, at the JSON Pointer of its field. */
    public record Problem(String pointer, Fault fault) {}

    /**
     * The problems of a waiver's fields that one field alone does not show: its scope (a
     * recommendation or a measure), its expiry (an instant, or a date with a time zone) and its
     * order in time; and, for a waiver read from a file, the fields the contract requires. The
     * service checks a request with it, the command line a waivers file.
     */
    public static List<Problem> check(
            String recommendationId,
            String measure,
            OffsetDateTime startsAt,
            OffsetDateTime expiresAt,
            java.time.LocalDate expiresOn,
            String timeZone) {
        List<Problem> problems = new ArrayList<>();
        if (recommendationId == null && measure == null) {
            problems.add(new Problem("/recommendationId", Fault.SCOPE_MISSING));
        } else if (recommendationId != null && measure != null) {
            problems.add(new Problem("/measure", Fault.SCOPE_TWICE));
        }
        Instant expiry = null;
        if (expiresAt == null && expiresOn == null) {
            problems.add(new Problem("/expiresAt", Fault.EXPIRY_MISSING));
        } else if (expiresAt != null && expiresOn != null) {
            problems.add(new Problem("/expiresOn", Fault.EXPIRY_TWICE));
        } else if (expiresAt != null) {
            expiry = expiresAt.toInstant();
        }
        if (timeZone != null) {
            try {
                ZoneId zone = ZoneId.of(timeZone);
                if (expiresOn != null && expiresAt == null) {
                    expiry = expiresOn.plusDays(1).atStartOfDay(zone).toInstant();
                }
            } catch (DateTimeException e) {
                problems.add(new Problem("/timeZone", Fault.TIME_ZONE_UNKNOWN));
            }
        } else if (expiresOn != null) {
            problems.add(new Problem("/timeZone", Fault.TIME_ZONE_MISSING));
        }
        if (expiry != null && startsAt != null && !expiry.isAfter(startsAt.toInstant())) {
            problems.add(new Problem(expiresAt != null ? "/expiresAt" : "/expiresOn", Fault.EXPIRES_BEFORE_START));
        }
        return problems;
    }

    /** {@link #check} of a whole waiver, as a waivers file gives it, with the fields the contract requires. */
    public static List<Problem> check(Waiver w) {
        List<Problem> problems = new ArrayList<>();
        required(problems, "/id", w.getId());
        required(problems, "/organizationId", w.getOrganizationId());
        required(problems, "/justification", blankToNull(w.getJustification()));
        required(problems, "/evidence", blankToNull(w.getEvidence()));
        required(problems, "/startsAt", w.getStartsAt());
        required(problems, "/requestedBy", blankToNull(w.getRequestedBy()));
        // The two-person rule, as the service keeps it when a waiver is approved (409 own-request).
        if (blankToNull(w.getApprovedBy()) != null
                && blankToNull(w.getRequestedBy()) != null
                && w.getApprovedBy().strip().equalsIgnoreCase(w.getRequestedBy().strip())) {
            problems.add(new Problem("/approvedBy", Fault.APPROVED_BY_REQUESTER));
        }
        problems.addAll(check(
                w.getRecommendationId(),
                w.getMeasure(),
                w.getStartsAt(),
                w.getExpiresAt(),
                w.getExpiresOn(),
                w.getTimeZone()));
        return problems;
    }

    private static void required(List<Problem> problems, String pointer, Object value) {
        if (value == null) {
            problems.add(new Problem(pointer, Fault.REQUIRED));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * The overall outcome, the counts and the counts per measure and level, from the effective
     * outcomes: NON_COMPLIANT when a MUST fails in effect, INCOMPLETE when none does but one needs
     * information, COMPLIANT otherwise.
     */
    private static void summarize(Assessment verdict) {
        List<Result> results = verdict.getResults();
        boolean mustNeedsInformation = false;
        OverallOutcome overall = null;
        for (Result r : results) {
            if (r.getLevel() == Level.MUST) {
                if (r.getEffectiveOutcome() == EffectiveOutcome.FAIL) {
                    overall = OverallOutcome.NON_COMPLIANT;
                    break;
                }
                mustNeedsInformation |= r.getEffectiveOutcome() == EffectiveOutcome.NEEDS_INFORMATION;
            }
        }
        if (overall == null) {
            overall = mustNeedsInformation ? OverallOutcome.INCOMPLETE : OverallOutcome.COMPLIANT;
        }
        verdict.overallOutcome(overall).counts(counts(results));
        if (verdict.getMeasures() != null) {
            for (MeasureSummary m : verdict.getMeasures()) {
                List<Result> items = results.stream()
                        .filter(r -> m.getMeasure().equals(r.getMeasure()))
                        .toList();
                List<LevelCounts> byLevel = new ArrayList<>(LEVELS.size());
                for (Level level : LEVELS) {
                    byLevel.add(new LevelCounts()
                            .level(level)
                            .counts(counts(items.stream()
                                    .filter(r -> r.getLevel() == level)
                                    .toList())));
                }
                m.counts(counts(items)).byLevel(byLevel);
            }
        }
    }

    private static OutcomeCounts counts(Collection<Result> results) {
        int fail = 0, need = 0, pass = 0, na = 0, waived = 0, warned = 0;
        for (Result r : results) {
            switch (r.getEffectiveOutcome()) {
                case FAIL -> fail++;
                case NEEDS_INFORMATION -> need++;
                case PASS -> pass++;
                case NOT_APPLICABLE -> na++;
                case WAIVED -> waived++;
                case WARN -> warned++;
            }
        }
        return new OutcomeCounts()
                .fail(fail)
                .needsInformation(need)
                .pass(pass)
                .notApplicable(na)
                .waived(waived)
                .warned(warned);
    }
}
