package io.kakunin.kb;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.FiredRule;
import io.kakunin.api.model.Level;
import io.kakunin.api.model.MeasureSummary;
import io.kakunin.api.model.MissingFact;
import io.kakunin.api.model.Organization;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.OutcomeCounts;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Product;
import io.kakunin.api.model.Reference;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.api.model.Source;
import io.kakunin.api.model.SubjectType;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.kb.ruleset.Messages;
import io.kakunin.kb.ruleset.RuleInfo;
import io.kakunin.kb.ruleset.RulesetContent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns what the rules reported into a verdict. This is the one place the outcome semantics
 * live: every (recommendation, subject) gets exactly one result; a recommendation no rule
 * decided for a subject is NEEDS_INFORMATION (fail closed), never a silent pass; the overall
 * outcome is NON_COMPLIANT when a MUST fails, INCOMPLETE when no MUST fails but one needs
 * information, COMPLIANT otherwise.
 */
final class VerdictAssembler {

    /** Something a recommendation is evaluated for: the organization, or one product. */
    record Subject(String pointer, String label, String id) {}

    /** The message keys of one recommendation, built once: no key string is built per result. */
    private record Keys(
            String title, String remediation, Map<Outcome, String> outcomes, Map<String, String> reasons, String id) {
        String reason(String reason) {
            return reasons.computeIfAbsent(reason, r -> id + ".reason." + r);
        }
    }

    private static final Map<Outcome, String> GENERIC = new EnumMap<>(Outcome.class);

    static {
        for (Outcome o : Outcome.values()) {
            GENERIC.put(o, "outcome." + o.getValue());
        }
    }

    private final RulesetContent ruleset;
    private final Map<String, Keys> keys = new java.util.concurrent.ConcurrentHashMap<>();

    /** Whether any rule carries {@code @effectiveFrom}: when none does (the usual case), a FAIL's date is its item's. */
    private final boolean datedRules;

    VerdictAssembler(RulesetContent ruleset) {
        this.ruleset = ruleset;
        this.datedRules = ruleset.rules().values().stream().anyMatch(r -> r.effectiveFrom() != null);
    }

    private Keys keys(String id) {
        return keys.computeIfAbsent(id, k -> {
            Map<Outcome, String> outcomes = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) {
                outcomes.put(o, k + "." + outcomeKey(o));
            }
            return new Keys(
                    k + ".title", k + ".remediation", outcomes, new java.util.concurrent.ConcurrentHashMap<>(), k);
        });
    }

    Assessment assemble(AssessmentRequest request, Outcomes outcomes, LocalDate date, Locale locale, Instant now) {
        Map<SubjectType, List<Subject>> subjects = new EnumMap<>(SubjectType.class);
        Organization org = request.getOrganization();
        subjects.put(
                SubjectType.ORGANIZATION,
                List.of(new Subject("/organization", label(org.getName(), org.getId()), org.getId())));
        List<Subject> products = new ArrayList<>();
        for (int i = 0; i < request.getProducts().size(); i++) {
            Product p = request.getProducts().get(i);
            products.add(new Subject("/products/" + i, label(p.getName(), p.getId()), p.getId()));
        }
        subjects.put(SubjectType.PRODUCT, products);

        List<Result> results = results(subjects, outcomes, locale);
        Assessment verdict = new Assessment()
                .createdAt(now.truncatedTo(java.time.temporal.ChronoUnit.MICROS)
                        // to the microsecond, as every supported store keeps it: a record, its
                        // listing row and its first answer show the same time
                        .atOffset(ZoneOffset.UTC))
                .assessmentDate(date)
                .locale(locale == null ? null : Locales.tag(locale))
                .organizationId(org.getId())
                .ruleset(rulesetRef())
                .measures(measures(results, locale))
                .followUp(followUp(results))
                .results(results);
        // The overall outcome and the counts are the overlay's: with no waiver, every effective
        // outcome is the outcome itself; whoever holds waivers applies them again.
        return Waivers.apply(verdict, List.of(), verdict.getCreatedAt().toInstant());
    }

    RulesetRef rulesetRef() {
        return new RulesetRef()
                .revision(ruleset.revision())
                .version(ruleset.version())
                .source(ruleset.source());
    }

    /** One result per (recommendation, subject) of the subject types given, in catalog order. */
    List<Result> results(Map<SubjectType, List<Subject>> subjects, Outcomes outcomes, Locale locale) {
        List<Result> results = new ArrayList<>();
        int used = 0;
        for (Catalog.Entry entry : ruleset.catalog().entries()) {
            for (Subject subject : subjects.getOrDefault(entry.subject(), List.of())) {
                Outcomes.Finding finding = outcomes.finding(entry.id(), subject.pointer());
                used += finding == null ? 0 : 1;
                results.add(
                        finding == null ? undecided(entry, subject, locale) : decided(entry, subject, finding, locale));
            }
        }
        if (used != outcomes.findings().size()) {
            for (Outcomes.Finding stray : outcomes.findings()) {
                boolean known = ruleset.catalog()
                        .entry(stray.recommendationId)
                        .map(e -> subjects.getOrDefault(e.subject(), List.of()).stream()
                                .anyMatch(s -> s.pointer().equals(stray.subject)))
                        .orElse(false);
                if (!known) {
                    throw new IllegalStateException(
                            "rule \"" + stray.reports.get(0).rule() + "\" reported " + stray.recommendationId + " for "
                                    + stray.subject + ", which is not a subject of that recommendation");
                }
            }
        }
        return results;
    }

    private Result decided(Catalog.Entry entry, Subject subject, Outcomes.Finding finding, Locale locale) {
        Outcome outcome = finding.outcome;
        List<FiredRule> fired = new ArrayList<>(finding.reports.size());
        Set<String> reasons = new LinkedHashSet<>();
        for (Outcomes.Report report : finding.reports) {
            fired.add(new FiredRule()
                    .rule(report.rule())
                    .outcome(report.outcome())
                    .pointers(report.pointers().isEmpty() ? null : report.pointers()));
            if (report.outcome() == outcome && report.reason() != null) {
                reasons.add(report.reason());
            }
        }
        Result result = base(entry, subject, outcome).firedRules(fired);
        List<String> decisive = List.copyOf(finding.pointersOf(outcome));
        if (outcome == Outcome.NEEDS_INFORMATION) {
            result.missingFacts(decisive);
        } else if (outcome == Outcome.FAIL) {
            result.evidence(decisive);
            if (datedRules) {
                result.effectiveFrom(enforcedFrom(finding, result.getEffectiveFrom()));
            }
        }
        return texts(result, reasons, locale);
    }

    /**
     * From when a FAIL is enforced: each rule that reports it is in force from the later of its own
     * {@code @effectiveFrom} and its item's {@code effectiveFrom}, and the FAIL from the earliest of
     * those; null when one of them always was. The overlay ({@link Waivers#apply}) decides WARN
     * from it, as for a dated item.
     */
    private java.time.OffsetDateTime enforcedFrom(Outcomes.Finding finding, java.time.OffsetDateTime item) {
        Instant itemFrom = item == null ? null : item.toInstant();
        Instant earliest = null;
        for (Outcomes.Report report : finding.reports) {
            if (report.outcome() != Outcome.FAIL) {
                continue;
            }
            Instant rule = ruleset.rule(report.rule())
                    .flatMap(RuleInfo::effectiveFromInstant)
                    .orElse(null);
            Instant from = rule == null || (itemFrom != null && itemFrom.isAfter(rule)) ? itemFrom : rule;
            if (from == null) {
                return null; // a rule in force since it was published fails it
            }
            if (earliest == null || from.isBefore(earliest)) {
                earliest = from;
            }
        }
        return earliest == null ? item : earliest.atOffset(ZoneOffset.UTC);
    }

    private Result undecided(Catalog.Entry entry, Subject subject, Locale locale) {
        List<String> facts =
                entry.facts().stream().map(f -> subject.pointer() + f).toList();
        Result result = base(entry, subject, Outcome.NEEDS_INFORMATION)
                .firedRules(List.of())
                .missingFacts(facts);
        texts(result, Set.of(), locale);
        return locale == null ? result : result.message(text(locale, "outcome.UNDECIDED", facts));
    }

    /** The references of each entry, built once per ruleset; verdicts share the (unmodifiable) lists. */
    private final Map<String, List<Reference>> referencesById = new java.util.concurrent.ConcurrentHashMap<>();

    /** The sources of each entry, built once per ruleset and shared like the references. */
    private final Map<String, List<Source>> sourcesById = new java.util.concurrent.ConcurrentHashMap<>();

    private Result base(Catalog.Entry entry, Subject subject, Outcome outcome) {
        return new Result()
                .recommendationId(entry.id())
                .subject(subject.pointer())
                .subjectLabel(subject.label())
                .subjectId(subject.id())
                .outcome(outcome)
                .level(entry.level())
                .measure(entry.measure())
                .references(referencesOf(entry))
                .sources(sourcesOf(entry))
                .confidence(entry.confidence())
                .evidenceTypes(entry.evidence())
                .effectiveFrom(ruleset.catalog()
                        .effectiveFrom(entry.id())
                        .map(i -> i.atOffset(ZoneOffset.UTC))
                        .orElse(null));
    }

    private List<Reference> referencesOf(Catalog.Entry entry) {
        return referencesById.computeIfAbsent(entry.id(), id -> List.copyOf(references(entry)));
    }

    private List<Source> sourcesOf(Catalog.Entry entry) {
        return sourcesById.computeIfAbsent(
                entry.id(),
                id -> ruleset.catalog().sourcesOf(id).stream()
                        .map(VerdictAssembler::source)
                        .toList());
    }

    /** A source of the catalog as the contract shows it. */
    static Source source(Catalog.Source s) {
        return new Source()
                .document(s.document())
                .section(s.section())
                .grade(s.grade())
                .location(s.location());
    }

    /** Fills title, message and remediation of a result in a language. */
    private Result texts(Result result, Set<String> reasons, Locale locale) {
        if (locale == null) {
            return result; // unrendered: texts are filled in when the verdict is read (localize)
        }
        Keys k = keys(result.getRecommendationId());
        Outcome outcome = result.getOutcome();
        List<String> pointers = outcome == Outcome.FAIL ? result.getEvidence() : result.getMissingFacts();
        result.title(text(locale, k.title(), pointers));
        StringBuilder message = new StringBuilder();
        for (String reason : reasons) {
            String t = text(locale, k.reason(reason), pointers);
            if (t != null) {
                message.append(message.length() == 0 ? "" : " ").append(t);
            }
        }
        if (message.length() == 0) {
            String specific = text(locale, k.outcomes().get(outcome), pointers);
            message.append(specific != null ? specific : text(locale, GENERIC.get(outcome), pointers));
        }
        result.message(message.toString());
        result.remediation(
                outcome == Outcome.FAIL || outcome == Outcome.NEEDS_INFORMATION
                        ? text(locale, k.remediation(), pointers)
                        : null);
        return result;
    }

    /** The message key suffix of an outcome: {@code fail}, {@code needsInformation}, ... */
    static String outcomeKey(Outcome outcome) {
        return switch (outcome) {
            case FAIL -> "fail";
            case NEEDS_INFORMATION -> "needsInformation";
            case PASS -> "pass";
            case NOT_APPLICABLE -> "notApplicable";
        };
    }

    /**
     * A text with the ruleset's thresholds already filled in: a constant, or the parts around
     * the {@code {facts}} placeholders. Built once per (language, key), since a ruleset's texts
     * and thresholds never change; the absent text is cached too.
     */
    private record Template(String constant, List<String> parts) {
        static final Template ABSENT = new Template(null, null);

        String render(List<String> facts) {
            if (parts == null) {
                return constant;
            }
            String joined = facts == null || facts.isEmpty() ? "" : String.join(", ", facts);
            StringBuilder text = new StringBuilder(parts.get(0));
            for (int i = 1; i < parts.size(); i++) {
                text.append(joined).append(parts.get(i));
            }
            return text.toString();
        }
    }

    private static final String FACTS = "\u0000facts\u0000";

    private final Map<Locale, Map<String, Template>> templates = new java.util.concurrent.ConcurrentHashMap<>();

    String text(Locale locale, String key, List<String> facts) {
        return templates
                .computeIfAbsent(locale, l -> new java.util.concurrent.ConcurrentHashMap<>())
                .computeIfAbsent(key, k -> template(locale, k))
                .render(facts);
    }

    private Template template(Locale locale, String key) {
        return ruleset.messages()
                .text(locale, key)
                .map(t -> Messages.fill(t, name -> {
                    if (name.equals("facts")) {
                        return FACTS;
                    }
                    Integer value = ruleset.thresholds().values().get(name);
                    return value == null ? null : value.toString();
                }))
                .map(filled -> filled.contains(FACTS)
                        ? new Template(null, List.of(filled.split(java.util.regex.Pattern.quote(FACTS), -1)))
                        : new Template(filled, null))
                .orElse(Template.ABSENT);
    }

    /** Rewrites the texts of a verdict in another language, in place. */
    Assessment localize(Assessment verdict, Locale locale) {
        localize(verdict.getResults(), locale);
        if (verdict.getMeasures() != null) {
            for (MeasureSummary m : verdict.getMeasures()) {
                m.title(text(locale, m.getMeasure() + ".title", null));
            }
        }
        verdict.locale(Locales.tag(locale));
        Waivers.noteWarnings(verdict);
        return verdict;
    }

    /** Rewrites the texts of a sharing review in another language, in place. */
    io.kakunin.api.model.SharingReview localize(io.kakunin.api.model.SharingReview review, Locale locale) {
        localize(review.getResults(), locale);
        review.recipientsAllowed(
                text(locale, "tlp." + review.getTlp().getLevel().getValue() + ".recipients", null));
        if (review.getRedactions() != null) {
            review.getRedactions()
                    .forEach(r ->
                            r.reason(redactionReason(locale, r, review.getTlp().getLabel())));
        }
        return review.locale(Locales.tag(locale));
    }

    /**
     * Why a redaction is needed, in a language: the text of its finding, or, for an entry that
     * stands for several objects, the text of the group with the marking applied and their number
     * ("TLP:AMBER marking added to 76 objects …").
     */
    String redactionReason(Locale locale, io.kakunin.api.model.Redaction r, String marking) {
        if (r.getCount() == null) {
            return text(locale, "redaction." + r.getFinding().getValue(), null);
        }
        return ruleset.messages()
                .text(locale, io.kakunin.kb.ruleset.Integrity.groupKey(r.getFinding()))
                .map(t -> Messages.fill(t, name -> {
                    if (name.equals("count")) {
                        return r.getCount().toString();
                    }
                    if (name.equals("marking")) {
                        return marking;
                    }
                    Integer value = ruleset.thresholds().values().get(name);
                    return value == null ? null : value.toString();
                }))
                .orElse(null);
    }

    private void localize(List<Result> results, Locale locale) {
        for (Result result : results) {
            Set<String> reasons = new LinkedHashSet<>();
            if (result.getFiredRules() != null) {
                for (FiredRule f : result.getFiredRules()) {
                    if (f.getOutcome() == result.getOutcome()) {
                        ruleset.rule(f.getRule()).map(RuleInfo::reason).ifPresent(reasons::add);
                    }
                }
            }
            texts(result, reasons, locale);
            if (result.getFiredRules() == null || result.getFiredRules().isEmpty()) {
                result.message(text(locale, "outcome.UNDECIDED", result.getMissingFacts()));
            }
            if (result.getReferences() == null || result.getSources() == null) {
                ruleset.catalog()
                        .entry(result.getRecommendationId())
                        .ifPresent(
                                entry -> result.references(referencesOf(entry)).sources(sourcesOf(entry)));
            }
            if (result.getEvidenceTypes() == null) {
                ruleset.catalog()
                        .entry(result.getRecommendationId())
                        .ifPresent(entry -> result.evidenceTypes(entry.evidence()));
            }
        }
    }

    private static List<Reference> references(Catalog.Entry entry) {
        List<Reference> refs = new ArrayList<>(entry.references().size());
        for (Catalog.Ref ref : entry.references()) {
            refs.add(new Reference()
                    .scheme(ref.scheme())
                    .id(ref.id())
                    .note(ref.note())
                    .confidence(ref.confidence()));
        }
        return refs;
    }

    static OverallOutcome overall(List<Result> results) {
        boolean mustNeedsInformation = false;
        for (Result r : results) {
            if (r.getLevel() == Level.MUST) {
                if (r.getOutcome() == Outcome.FAIL) {
                    return OverallOutcome.NON_COMPLIANT;
                }
                mustNeedsInformation |= r.getOutcome() == Outcome.NEEDS_INFORMATION;
            }
        }
        return mustNeedsInformation ? OverallOutcome.INCOMPLETE : OverallOutcome.COMPLIANT;
    }

    static OutcomeCounts counts(Collection<Result> results) {
        int fail = 0, need = 0, pass = 0, na = 0;
        for (Result r : results) {
            switch (r.getOutcome()) {
                case FAIL -> fail++;
                case NEEDS_INFORMATION -> need++;
                case PASS -> pass++;
                case NOT_APPLICABLE -> na++;
            }
        }
        return new OutcomeCounts().fail(fail).needsInformation(need).pass(pass).notApplicable(na);
    }

    /** The measures the results belong to, in catalog order, titled; {@link Waivers#apply} counts them. */
    private List<MeasureSummary> measures(List<Result> results, Locale locale) {
        Set<String> present = new LinkedHashSet<>();
        for (Result r : results) {
            present.add(r.getMeasure());
        }
        List<MeasureSummary> summaries = new ArrayList<>();
        for (String measure : ruleset.catalog().measureIds()) {
            if (present.remove(measure)) {
                summaries.add(summary(measure, locale));
            }
        }
        for (String measure : present) {
            summaries.add(summary(measure, locale));
        }
        return summaries;
    }

    private MeasureSummary summary(String measure, Locale locale) {
        return new MeasureSummary()
                .measure(measure)
                .title(locale == null ? null : text(locale, keys(measure).title(), null));
    }

    static List<MissingFact> followUp(List<Result> results) {
        Map<String, Set<String>> byPointer = new LinkedHashMap<>();
        for (Result r : results) {
            if (r.getOutcome() == Outcome.NEEDS_INFORMATION && r.getMissingFacts() != null) {
                for (String pointer : r.getMissingFacts()) {
                    byPointer
                            .computeIfAbsent(pointer, k -> new LinkedHashSet<>())
                            .add(r.getRecommendationId());
                }
            }
        }
        List<MissingFact> facts = new ArrayList<>(byPointer.size());
        byPointer.forEach(
                (pointer, ids) -> facts.add(new MissingFact().pointer(pointer).recommendationIds(List.copyOf(ids))));
        return facts;
    }

    static String label(String name, String id) {
        if (name != null && !name.isBlank()) {
            return name;
        }
        return id != null && !id.isBlank() ? id : null;
    }
}
