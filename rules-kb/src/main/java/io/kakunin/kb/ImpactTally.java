package io.kakunin.kb;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.ImpactChange;
import io.kakunin.api.model.ImpactChangedAssessment;
import io.kakunin.api.model.ImpactMove;
import io.kakunin.api.model.ImpactOutcome;
import io.kakunin.api.model.ImpactOverallMove;
import io.kakunin.api.model.ImpactSummary;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The impact of a ruleset change, counted one assessment at a time: each assessment evaluated by
 * the base ruleset and by the candidate (both already overlaid by {@link Waivers#apply}), compared
 * result by result on (recommendation, subject) and effective outcome. The one comparison that the
 * service's impact preview job and {@code kakunin impact} both run, so they print the same summary.
 *
 * <p>Memory stays flat over any number of assessments: it keeps counts per move, and lists at most
 * {@code maxListed} changed assessments (then says the list is truncated). Not thread-safe: one job
 * or command adds to it from one thread.
 */
public final class ImpactTally {

    private record Move(String recommendationId, ImpactOutcome from, ImpactOutcome to) {}

    private record OverallMove(OverallOutcome from, OverallOutcome to) {}

    private final int maxListed;
    private final Map<Move, Long> moves = new TreeMap<>(java.util.Comparator.comparing(Move::recommendationId)
            .thenComparing(Move::from)
            .thenComparing(Move::to));
    private final Map<OverallMove, Long> overall =
            new TreeMap<>(java.util.Comparator.comparing(OverallMove::from).thenComparing(OverallMove::to));
    private final List<ImpactChangedAssessment> listed = new ArrayList<>();
    private long evaluated;
    private long changed;
    private long failures;

    /** @param maxListed the most changed assessments listed one by one (the counts cover them all) */
    public ImpactTally(int maxListed) {
        this.maxListed = maxListed;
    }

    /**
     * Counts one assessment.
     *
     * @param id     what names it in the answer: a stored assessment's ID, or a request file's path
     * @param before its verdict under the base ruleset
     * @param after  its verdict under the candidate
     * @return whether any result moved
     */
    public boolean add(String id, Assessment before, Assessment after) {
        evaluated++;
        Map<String, Result> was = bySubject(before);
        Map<String, Result> is = bySubject(after);
        List<ImpactChange> changes = new ArrayList<>();
        for (Map.Entry<String, Result> e : was.entrySet()) {
            Result then = e.getValue();
            Result now = is.get(e.getKey());
            compare(then, now, changes);
        }
        for (Map.Entry<String, Result> e : is.entrySet()) {
            if (!was.containsKey(e.getKey())) {
                compare(null, e.getValue(), changes);
            }
        }
        if (before.getOverallOutcome() != after.getOverallOutcome()) {
            overall.merge(new OverallMove(before.getOverallOutcome(), after.getOverallOutcome()), 1L, Long::sum);
        }
        if (changes.isEmpty() && before.getOverallOutcome() == after.getOverallOutcome()) {
            return false;
        }
        changed++;
        if (listed.size() < maxListed) {
            listed.add(new ImpactChangedAssessment()
                    .assessmentId(id)
                    .overallBefore(before.getOverallOutcome())
                    .overallAfter(after.getOverallOutcome())
                    .changes(changes));
        }
        return true;
    }

    /** Counts an assessment that a rule of either ruleset threw on: it is not compared. */
    public void failed() {
        failures++;
    }

    public long evaluated() {
        return evaluated;
    }

    /** The summary so far, in a stable order: moves by recommendation, then outcomes. */
    public ImpactSummary summary() {
        List<ImpactMove> recommendationMoves = new ArrayList<>();
        moves.forEach((m, n) -> recommendationMoves.add(new ImpactMove()
                .recommendationId(m.recommendationId())
                .from(m.from())
                .to(m.to())
                .count(n)));
        List<ImpactOverallMove> overallMoves = new ArrayList<>();
        overall.forEach((m, n) -> overallMoves.add(
                new ImpactOverallMove().from(m.from()).to(m.to()).count(n)));
        return new ImpactSummary()
                .assessmentsEvaluated(evaluated)
                .assessmentsChanged(changed)
                .evaluationFailures(failures)
                .recommendationMoves(recommendationMoves)
                .overallMoves(overallMoves)
                .changedAssessments(new ArrayList<>(listed))
                .changedAssessmentsTruncated(changed > listed.size());
    }

    private void compare(Result then, Result now, List<ImpactChange> changes) {
        ImpactOutcome from = outcome(then);
        ImpactOutcome to = outcome(now);
        if (from == to) {
            return;
        }
        Result any = then != null ? then : now;
        moves.merge(new Move(any.getRecommendationId(), from, to), 1L, Long::sum);
        changes.add(new ImpactChange()
                .recommendationId(any.getRecommendationId())
                .subject(any.getSubject())
                .before(from)
                .after(to));
    }

    private static ImpactOutcome outcome(Result result) {
        if (result == null) {
            return ImpactOutcome.ABSENT;
        }
        // Verdicts from Ruleset.assess always carry an effective outcome (VerdictAssembler overlays
        // them); the outcome stands in for one only in a verdict made before waivers existed.
        return result.getEffectiveOutcome() != null
                ? ImpactOutcome.fromValue(result.getEffectiveOutcome().getValue())
                : ImpactOutcome.fromValue(result.getOutcome().getValue());
    }

    private static Map<String, Result> bySubject(Assessment verdict) {
        Map<String, Result> results = new LinkedHashMap<>();
        for (Result r : verdict.getResults()) {
            results.put(r.getRecommendationId() + "\u0000" + r.getSubject(), r);
        }
        return results;
    }

    /** The summary as text, for a terminal: what {@code kakunin impact} prints, and a log line of the service. */
    public static String format(ImpactSummary summary) {
        StringBuilder out = new StringBuilder();
        out.append(summary.getAssessmentsEvaluated())
                .append(" assessments evaluated, ")
                .append(summary.getAssessmentsChanged())
                .append(" changed");
        if (summary.getEvaluationFailures() > 0) {
            out.append(", ").append(summary.getEvaluationFailures()).append(" could not be evaluated");
        }
        out.append('\n');
        if (summary.getRecommendationMoves().isEmpty()) {
            out.append("No result changes outcome.\n");
        } else {
            out.append("Results that change outcome:\n");
            for (ImpactMove m : summary.getRecommendationMoves()) {
                out.append("  ")
                        .append(m.getRecommendationId())
                        .append(": ")
                        .append(m.getFrom().getValue())
                        .append(" -> ")
                        .append(m.getTo().getValue())
                        .append(": ")
                        .append(m.getCount())
                        .append('\n');
            }
        }
        if (!summary.getOverallMoves().isEmpty()) {
            out.append("Overall outcomes that change:\n");
            for (ImpactOverallMove m : summary.getOverallMoves()) {
                out.append("  ")
                        .append(m.getFrom().getValue())
                        .append(" -> ")
                        .append(m.getTo().getValue())
                        .append(": ")
                        .append(m.getCount())
                        .append('\n');
            }
        }
        for (ImpactChangedAssessment a : summary.getChangedAssessments()) {
            out.append(a.getAssessmentId());
            if (a.getOverallBefore() != a.getOverallAfter()) {
                out.append(" (")
                        .append(a.getOverallBefore().getValue())
                        .append(" -> ")
                        .append(a.getOverallAfter().getValue())
                        .append(')');
            }
            out.append('\n');
            for (ImpactChange c : a.getChanges()) {
                out.append("  ")
                        .append(c.getRecommendationId())
                        .append(' ')
                        .append(c.getSubject())
                        .append(": ")
                        .append(c.getBefore().getValue())
                        .append(" -> ")
                        .append(c.getAfter().getValue())
                        .append('\n');
            }
        }
        if (Boolean.TRUE.equals(summary.getChangedAssessmentsTruncated())) {
            out.append("(more assessments changed than are listed)\n");
        }
        return out.toString();
    }
}
