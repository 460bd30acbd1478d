package io.kakunin.kb;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.EvidenceType;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.api.model.JcStarCounts;
import io.kakunin.api.model.JcStarCoverage;
import io.kakunin.api.model.JcStarDecidingResult;
import io.kakunin.api.model.JcStarProductChecklist;
import io.kakunin.api.model.JcStarReadiness;
import io.kakunin.api.model.JcStarRow;
import io.kakunin.api.model.JcStarSelfCheck;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.Product;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.RulesetRef;
import io.kakunin.api.model.SourceConfidence;
import io.kakunin.api.model.SubjectType;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.kb.ruleset.RulesetContent;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Derives the JC-STAR ★1 checklist of each product from a verdict: the one place where a row's
 * readiness is decided, whichever path asks (the engine API, the service, the command line, the
 * fixtures). Nothing is evaluated: a row reads the results of the recommendations whose JC_STAR
 * reference names it ({@link Catalog#decidingEntries}), so the catalog's references are the only
 * record of which item decides which row.
 *
 * <ul>
 *   <li>A row IPA waives for a PSTI-conformant product, for a product that claims PSTI
 *       conformance: {@code READY}, covered by PSTI.</li>
 *   <li>A row some recommendation decides: {@code NOT_READY} when one fails (waived or not: a
 *       waiver accepts a risk, it meets no ★1 criterion; the deciding result shows the waiver the
 *       verdict's overlay applied), else {@code UNKNOWN}
 *       with the missing facts when one needs information, else {@code READY} when one passes,
 *       else (none applies) {@code NOT_APPLICABLE}.</li>
 *   <li>A row no recommendation decides (the ruleset does not know what it asks): as the maker
 *       checked it ({@code jcStarSelfChecks}), else {@code UNKNOWN}, asking for that check. Never
 *       {@code READY} on nobody's word.</li>
 * </ul>
 *
 * A product is ready to apply only when every row is {@code READY} or {@code NOT_APPLICABLE}.
 */
final class JcStarChecklists {

    private static final List<EvidenceType> EVIDENCE_ORDER = List.of(EvidenceType.values());

    private final RulesetContent ruleset;
    private final VerdictAssembler texts;

    JcStarChecklists(RulesetContent ruleset, VerdictAssembler texts) {
        this.ruleset = ruleset;
        this.texts = texts;
    }

    boolean available() {
        return ruleset.catalog().jcStar().isPresent();
    }

    JcStarChecklist checklist(AssessmentRequest request, Assessment verdict, Locale locale) {
        Catalog.StarScheme scheme = ruleset.catalog()
                .jcStar()
                .orElseThrow(() -> new UnsupportedOperationException(
                        "the catalog of ruleset " + ruleset.revision() + " has no JC-STAR ★1 scheme"));
        if (verdict.getRuleset() == null
                || !ruleset.revision().equals(verdict.getRuleset().getRevision())) {
            throw new IllegalArgumentException("verdict of revision "
                    + (verdict.getRuleset() == null
                            ? null
                            : verdict.getRuleset().getRevision())
                    + " read with the catalog of " + ruleset.revision());
        }
        Map<String, Result> results = new HashMap<>();
        for (Result r : verdict.getResults()) {
            results.put(key(r.getRecommendationId(), r.getSubject()), r);
        }
        List<JcStarProductChecklist> products = new ArrayList<>();
        for (int i = 0; i < request.getProducts().size(); i++) {
            products.add(product(scheme, request.getProducts().get(i), "/products/" + i, results, locale));
        }
        return new JcStarChecklist()
                .assessmentId(verdict.getId())
                .label(scheme.label())
                .criteria(scheme.criteria())
                .locale(Locales.tag(locale))
                .ruleset(new RulesetRef()
                        .revision(verdict.getRuleset().getRevision())
                        .version(verdict.getRuleset().getVersion())
                        .source(verdict.getRuleset().getSource()))
                .products(products);
    }

    private JcStarProductChecklist product(
            Catalog.StarScheme scheme, Product product, String subject, Map<String, Result> results, Locale locale) {
        List<JcStarRow> rows = new ArrayList<>();
        for (Catalog.StarRequirement requirement : scheme.requirements()) {
            rows.add(row(requirement, product, subject, results, locale));
        }
        int ready = 0, notReady = 0, unknown = 0, notApplicable = 0;
        Set<String> followUp = new LinkedHashSet<>();
        List<String> notReadyRows = new ArrayList<>();
        List<String> unknownRows = new ArrayList<>();
        for (JcStarRow row : rows) {
            switch (row.getReadiness()) {
                case READY -> ready++;
                case NOT_READY -> {
                    notReady++;
                    notReadyRows.add(row.getRequirementId());
                }
                case UNKNOWN -> {
                    unknown++;
                    unknownRows.add(row.getRequirementId());
                    if (row.getMissingFacts() != null) {
                        followUp.addAll(row.getMissingFacts());
                    }
                }
                case NOT_APPLICABLE -> notApplicable++;
            }
        }
        boolean readyToApply = notReady == 0 && unknown == 0;
        String summary = readyToApply
                ? texts.text(locale, "jcStar.summary.ready", null)
                : notReady > 0
                        ? texts.text(locale, "jcStar.summary.notReady", notReadyRows)
                        : texts.text(locale, "jcStar.summary.unknown", unknownRows);
        return new JcStarProductChecklist()
                .subject(subject)
                .subjectLabel(VerdictAssembler.label(product.getName(), product.getId()))
                .productId(product.getId())
                .readyToApply(readyToApply)
                .summary(summary)
                .counts(new JcStarCounts()
                        .ready(ready)
                        .notReady(notReady)
                        .unknown(unknown)
                        .notApplicable(notApplicable))
                .followUp(List.copyOf(followUp))
                .rows(rows);
    }

    private JcStarRow row(
            Catalog.StarRequirement requirement,
            Product product,
            String subject,
            Map<String, Result> results,
            Locale locale) {
        String id = requirement.id();
        JcStarRow row = new JcStarRow()
                .requirementId(id)
                .title(texts.text(locale, "jcStar." + id + ".title", null))
                .titleFrom(requirement.titleFrom())
                .requirement(texts.text(locale, "jcStar." + id + ".requirement", null))
                .wording(requirement.wording());
        List<Catalog.Deciding> deciding = ruleset.catalog().decidingEntries(id);
        List<JcStarDecidingResult> decidedBy = new ArrayList<>();
        for (Catalog.Deciding d : deciding) {
            String at = d.entry().subject() == SubjectType.PRODUCT
                    ? subject
                    : d.entry().subject() == SubjectType.ORGANIZATION ? "/organization" : null;
            if (at == null) {
                continue;
            }
            Result r = results.get(key(d.entry().id(), at));
            if (r == null) {
                throw new IllegalStateException(
                        "the verdict has no result of " + d.entry().id() + " for " + at + ", which " + id + " reads");
            }
            decidedBy.add(new JcStarDecidingResult()
                    .recommendationId(r.getRecommendationId())
                    .subject(at)
                    .outcome(r.getOutcome())
                    // As the overlay decided on the verdict (Waivers.apply): shown, never decided here.
                    .effectiveOutcome(r.getEffectiveOutcome())
                    .waiver(r.getWaiver())
                    .level(r.getLevel())
                    .title(texts.text(locale, r.getRecommendationId() + ".title", null))
                    .missingFacts(r.getOutcome() == Outcome.NEEDS_INFORMATION ? nonEmpty(r.getMissingFacts()) : null)
                    .confidence(d.reference().confidence())
                    .note(d.reference().note()));
        }
        row.decidedBy(decidedBy);

        if (requirement.pstiCovered() && Boolean.TRUE.equals(product.getPstiConformant())) {
            return row.readiness(JcStarReadiness.READY)
                    .coverage(JcStarCoverage.PSTI)
                    .message(texts.text(locale, "jcStar.psti", null))
                    .evidenceTypes(List.of())
                    .prepare(texts.text(locale, "jcStar.prepare.psti", null));
        }
        if (decidedBy.isEmpty()) {
            return selfChecked(row, id, product, subject, locale);
        }
        Set<String> failing = new LinkedHashSet<>();
        Set<String> undecided = new LinkedHashSet<>();
        Set<String> missing = new LinkedHashSet<>();
        boolean passes = false;
        for (JcStarDecidingResult r : decidedBy) {
            switch (r.getOutcome()) {
                case FAIL -> failing.add(r.getRecommendationId());
                case NEEDS_INFORMATION -> {
                    undecided.add(r.getRecommendationId());
                    if (r.getMissingFacts() != null) {
                        missing.addAll(r.getMissingFacts());
                    }
                }
                case PASS -> passes = true;
                case NOT_APPLICABLE -> {}
            }
        }
        row.coverage(JcStarCoverage.RECOMMENDATIONS);
        if (!failing.isEmpty()) {
            row.readiness(JcStarReadiness.NOT_READY)
                    .message(texts.text(locale, "jcStar.notReady", List.copyOf(failing)));
        } else if (!undecided.isEmpty()) {
            row.readiness(JcStarReadiness.UNKNOWN)
                    .missingFacts(List.copyOf(missing))
                    .message(texts.text(locale, "jcStar.unknown", List.copyOf(missing)));
        } else if (passes) {
            row.readiness(JcStarReadiness.READY).message(texts.text(locale, "jcStar.ready", null));
        } else {
            row.readiness(JcStarReadiness.NOT_APPLICABLE).message(texts.text(locale, "jcStar.notApplicable", null));
        }
        // How IPA assesses the row where a source says so; else what the deciding items are assessed by (our
        // inference).
        List<EvidenceType> evidence;
        SourceConfidence confidence;
        if (!requirement.evidence().isEmpty()) {
            evidence = ordered(requirement.evidence());
            confidence = SourceConfidence.C;
        } else {
            Set<EvidenceType> union = EnumSet.noneOf(EvidenceType.class);
            deciding.forEach(d -> union.addAll(d.entry().evidence()));
            evidence = ordered(union);
            confidence = SourceConfidence.I;
        }
        return row.evidenceTypes(evidence).evidenceConfidence(confidence).prepare(prepare(evidence, locale));
    }

    /** A row no recommendation decides: the maker's own check, or nothing, which is not enough. */
    private JcStarRow selfChecked(JcStarRow row, String id, Product product, String subject, Locale locale) {
        List<JcStarSelfCheck> checks =
                product.getJcStarSelfChecks() == null ? List.of() : product.getJcStarSelfChecks();
        row.evidenceTypes(List.of()).prepare(texts.text(locale, "jcStar.prepare.unknown", null));
        for (JcStarSelfCheck check : checks) {
            if (id.equals(check.getRequirementId())) {
                boolean met = Boolean.TRUE.equals(check.getMet());
                return row.coverage(JcStarCoverage.SELF_CHECK)
                        .readiness(met ? JcStarReadiness.READY : JcStarReadiness.NOT_READY)
                        .message(texts.text(locale, met ? "jcStar.selfCheck.met" : "jcStar.selfCheck.unmet", null));
            }
        }
        List<String> missing = List.of(subject + "/jcStarSelfChecks");
        return row.coverage(JcStarCoverage.NONE)
                .readiness(JcStarReadiness.UNKNOWN)
                .missingFacts(missing)
                .message(texts.text(locale, "jcStar.notJudged", missing));
    }

    private String prepare(List<EvidenceType> evidence, Locale locale) {
        StringBuilder text = new StringBuilder();
        for (EvidenceType type : evidence) {
            String t = texts.text(locale, "jcStar.prepare." + type.getValue(), null);
            if (t != null) {
                text.append(text.length() == 0 ? "" : " ").append(t);
            }
        }
        return text.length() == 0 ? null : text.toString();
    }

    private static List<EvidenceType> ordered(java.util.Collection<EvidenceType> types) {
        return EVIDENCE_ORDER.stream().filter(types::contains).toList();
    }

    private static List<String> nonEmpty(List<String> list) {
        return list == null || list.isEmpty() ? null : list;
    }

    private static String key(String recommendationId, String subject) {
        return recommendationId + "\u0000" + subject;
    }
}
