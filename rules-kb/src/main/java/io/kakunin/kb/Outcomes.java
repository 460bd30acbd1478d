package io.kakunin.kb;

import io.kakunin.api.model.Outcome;
import io.kakunin.kb.input.PointerIndex;
import io.kakunin.kb.ruleset.RuleInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.rule.RuleContext;

/**
 * Where rules report what they decided. Every rule's consequence makes exactly one call:
 *
 * <pre>
 * outcomes.fail(drools, $p, "/defaultPasswordPolicy");
 * outcomes.needInformation(drools, $o, "/productSecurityPolicy/exists");
 * outcomes.needInformationAt(drools, $p, $service, "/authRequired");
 * outcomes.needInformationIfAbsent(drools, $p, "/assumedUsers", "/useCases");
 * outcomes.failIfEmpty(drools, $p, "/assumedUsers", "/useCases");
 * outcomes.pass(drools, $p);
 * outcomes.notApplicable(drools, $p);
 * </pre>
 *
 * The recommendation comes from the rule's {@code @recommendation} metadata, so the ID lives in
 * one place; an optional {@code @reason("...")} picks a more specific message. The first
 * argument is always the consequence's {@code drools} variable, whichever DRL compiler built the
 * rule (the executable model and the classic compiler give it different static types). Facts are named
 * by JSON Pointer relative to the subject (or, with the {@code ...At} forms, relative to a nested
 * object the rule matched) and reported as pointers into the request.
 *
 * <p>Outcomes for one (recommendation, subject) combine by precedence: FAIL over
 * NEEDS_INFORMATION over PASS over NOT_APPLICABLE. One instance serves one evaluation.
 */
public final class Outcomes {

    /** A rule that fired, what it reported, and the facts it named. */
    record Report(String rule, Outcome outcome, List<String> pointers, String reason, Object node) {}

    /** Everything reported for one (recommendation, subject). */
    static final class Finding {
        final String recommendationId;
        final String subject;
        final Object subjectNode;
        Outcome outcome;
        final List<Report> reports = new ArrayList<>(2);

        Finding(String recommendationId, String subject, Object subjectNode) {
            this.recommendationId = recommendationId;
            this.subject = subject;
            this.subjectNode = subjectNode;
        }

        /** The facts reported by the rules whose outcome decided the finding. */
        Set<String> pointersOf(Outcome o) {
            Set<String> pointers = new LinkedHashSet<>();
            for (Report r : reports) {
                if (r.outcome() == o) {
                    pointers.addAll(r.pointers());
                }
            }
            return pointers;
        }
    }

    private final PointerIndex index;
    private final Map<String, RuleInfo> rules;
    /** Findings by subject pointer, then by recommendation: keys the rules and the index already hold, no string built per report. */
    private final Map<String, Map<String, Finding>> bySubject = new LinkedHashMap<>();

    private final List<Finding> findings = new ArrayList<>();
    /** How many FAIL reports there are: what was planned from the failures is still the plan while this stays. */
    private int failures;

    /**
     * @param rules the ruleset's rules by name, with their metadata read once when it was built
     */
    Outcomes(PointerIndex index, Map<String, RuleInfo> rules) {
        this.index = index;
        this.rules = rules;
    }

    public void fail(Object drools, Object subject, String... facts) {
        report(drools, Outcome.FAIL, subject, subject, facts);
    }

    public void failAt(Object drools, Object subject, Object node, String... facts) {
        report(drools, Outcome.FAIL, subject, node, facts);
    }

    public void needInformation(Object drools, Object subject, String... facts) {
        report(drools, Outcome.NEEDS_INFORMATION, subject, subject, facts);
    }

    public void needInformationAt(Object drools, Object subject, Object node, String... facts) {
        report(drools, Outcome.NEEDS_INFORMATION, subject, node, facts);
    }

    /**
     * Reports NEEDS_INFORMATION naming those of the given facts that are absent (null), and
     * nothing when all are present. The rule's condition states when something is missing;
     * this names exactly what.
     */
    public void needInformationIfAbsent(Object drools, Object subject, String... facts) {
        needInformationIfAbsentAt(drools, subject, subject, facts);
    }

    /** As {@link #needInformationIfAbsent}, with the facts relative to a nested object. */
    public void needInformationIfAbsentAt(Object drools, Object subject, Object node, String... facts) {
        List<String> absent = new ArrayList<>(facts.length);
        for (String fact : facts) {
            if (index.valueAt(node, fact) == null) {
                absent.add(fact);
            }
        }
        if (!absent.isEmpty()) {
            report(drools, Outcome.NEEDS_INFORMATION, subject, node, absent.toArray(String[]::new));
        }
    }

    /**
     * Reports FAIL naming those of the given facts that are present but empty (an empty list or
     * a blank text: "told, and there is none"), and nothing when none is.
     */
    public void failIfEmpty(Object drools, Object subject, String... facts) {
        List<String> empty = new ArrayList<>(facts.length);
        for (String fact : facts) {
            Object value = index.valueAt(subject, fact);
            if (value instanceof java.util.Collection<?> c && c.isEmpty() || value instanceof String t && t.isBlank()) {
                empty.add(fact);
            }
        }
        if (!empty.isEmpty()) {
            report(drools, Outcome.FAIL, subject, subject, empty.toArray(String[]::new));
        }
    }

    public void pass(Object drools, Object subject) {
        report(drools, Outcome.PASS, subject, subject);
    }

    public void notApplicable(Object drools, Object subject) {
        report(drools, Outcome.NOT_APPLICABLE, subject, subject);
    }

    private void report(Object drools, Outcome outcome, Object subject, Object node, String... facts) {
        if (!(drools instanceof RuleContext context)) {
            throw new IllegalArgumentException("the first argument must be the rule's 'drools' context");
        }
        Rule rule = context.getRule();
        RuleInfo info = rules.get(rule.getName());
        String recommendation = info != null ? info.recommendationId() : metadata(rule, "recommendation");
        String reason = info != null ? info.reason() : metadata(rule, "reason");
        if (recommendation == null) {
            throw new IllegalStateException("rule \"" + rule.getName() + "\" has no @recommendation");
        }
        String subjectPointer = index.pointerOf(subject);
        List<String> pointers;
        if (facts.length == 0) {
            pointers = List.of();
        } else {
            String[] resolved = new String[facts.length];
            for (int i = 0; i < facts.length; i++) {
                resolved[i] = index.resolve(node, facts[i]);
            }
            pointers = List.of(resolved);
        }
        Finding finding = bySubject
                .computeIfAbsent(subjectPointer, k -> new LinkedHashMap<>())
                .get(recommendation);
        if (finding == null) {
            finding = new Finding(recommendation, subjectPointer, subject);
            bySubject.get(subjectPointer).put(recommendation, finding);
            findings.add(finding);
        }
        finding.reports.add(new Report(rule.getName(), outcome, pointers, reason, node));
        if (outcome == Outcome.FAIL) {
            failures++;
        }
        if (finding.outcome == null || rank(outcome) > rank(finding.outcome)) {
            finding.outcome = outcome;
        }
    }

    /** The number of FAIL reports so far (reports are only ever added). */
    int failures() {
        return failures;
    }

    Collection<Finding> findings() {
        return findings;
    }

    /** What has been reported so far for a recommendation and subject, if anything. */
    Finding finding(String recommendationId, String subjectPointer) {
        Map<String, Finding> ofSubject = bySubject.get(subjectPointer);
        return ofSubject == null ? null : ofSubject.get(recommendationId);
    }

    /** FAIL over NEEDS_INFORMATION over PASS over NOT_APPLICABLE. */
    static int rank(Outcome outcome) {
        return switch (outcome) {
            case FAIL -> 3;
            case NEEDS_INFORMATION -> 2;
            case PASS -> 1;
            case NOT_APPLICABLE -> 0;
        };
    }

    /** A rule's metadata value as text; Drools keeps the quotes of some literal forms. */
    static String metadata(Rule rule, String key) {
        Object value = rule.getMetaData().get(key);
        if (value == null) {
            return null;
        }
        String text = value.toString().strip();
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1);
        }
        return text;
    }
}
