package io.kakunin.kb;

import io.kakunin.api.model.ConsentStatus;
import io.kakunin.api.model.IdentifierFlag;
import io.kakunin.api.model.ItemCategory;
import io.kakunin.api.model.Level;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.Redaction;
import io.kakunin.api.model.RedactionAction;
import io.kakunin.api.model.RedactionFinding;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.SharedItem;
import io.kakunin.api.model.SharingDecision;
import io.kakunin.api.model.SharingInputSummary;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.api.model.SubjectType;
import io.kakunin.api.model.TlpLevel;
import io.kakunin.api.model.TlpMarking;
import io.kakunin.api.model.Topic;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.input.PointerIndex;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.kb.ruleset.Remedy;
import io.kakunin.kb.ruleset.RuleInfo;
import io.kakunin.kb.ruleset.RulesetContent;
import io.kakunin.kb.sharing.ConsentFreePath;
import io.kakunin.kb.sharing.Identifier;
import io.kakunin.kb.sharing.Sanitizer;
import io.kakunin.kb.sharing.ShareMarking;
import io.kakunin.kb.sharing.StixBundle;
import io.kakunin.kb.sharing.StixInspector;
import io.kakunin.kb.sharing.StixObject;
import io.kakunin.kb.sharing.Tlp;
import io.kakunin.kb.sharing.VictimMatcher;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kie.api.runtime.KieSession;
import tools.jackson.databind.JsonNode;

/**
 * Reviews a planned share: reads the case (structured items, or a STIX bundle inspected for
 * what identifies the victim), runs the sharing rules in two passes (IS-1.x to IS-3.x and the
 * rest, then IS-4.x once the consent-free path is known), and turns the results into the
 * practitioner's answer. The decision comes from the {@code @remedy} of the rules that failed:
 * BLOCK means not even consent helps (DO_NOT_SHARE), CONSENT means only consent helps
 * (CONSENT_REQUIRED, or DO_NOT_SHARE when consent was refused), REDACT and MARK are edits
 * (SHARE_AFTER_REDACTION). A MUST item that needs information fails closed: CONSENT_REQUIRED.
 */
final class SharingReviewer {

    static final String DECISION_GROUP = "decision";
    private static final int MAX_STIX_OBJECTS = 20_000;
    private static final Set<IdentifierFlag> DIRECT =
            EnumSet.complementOf(EnumSet.of(IdentifierFlag.LOOKALIKE_DOMAIN, IdentifierFlag.QUASI_COMBO));

    private final RulesetContent ruleset;
    private final VerdictAssembler assembler;
    private final java.util.function.Supplier<KieSession> sessions;

    SharingReviewer(
            RulesetContent ruleset, VerdictAssembler assembler, java.util.function.Supplier<KieSession> sessions) {
        this.ruleset = ruleset;
        this.assembler = assembler;
        this.sessions = sessions;
    }

    /** The facts of one review, as the rules see them. */
    private record Case(
            List<SharedItem> items,
            List<StixObject> objects,
            List<Identifier> identifiers,
            StixBundle bundle,
            StixInspector.Inspection inspection,
            VictimMatcher victim) {}

    SharingReview review(SharingReviewRequest request, Locale locale, Clock clock) {
        check(request);
        PointerIndex index = new PointerIndex(request);
        checkNulls(index);
        LocalDate date = request.getReviewDate() != null
                ? request.getReviewDate()
                : LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Instant now = clock.instant();
        Case c = read(request);

        if (c.inspection() != null) {
            c.inspection().pointers().forEach(index::register);
        } else {
            for (Identifier id : c.identifiers()) {
                index.register(id, id.getPointer());
            }
        }
        ShareMarking marking = marking(request, c);
        Outcomes outcomes = new Outcomes(index, ruleset.rules());
        KieSession session = sessions.get();
        // The plan follows from the failures alone (only a FAIL report with an edit remedy adds to
        // it): made before the decision rules run, it stands unless they reported a failure.
        Plan planned = null;
        int failuresPlanned = -1;
        try {
            session.setGlobal("outcomes", outcomes);
            session.insert(new Evaluation(date, ruleset.thresholds(), ruleset.catalog()));
            session.insert(request);
            session.insert(marking);
            c.items().forEach(session::insert);
            c.objects().forEach(session::insert);
            c.identifiers().forEach(session::insert);
            session.fireAllRules();
            ConsentFreePath path = consentFreePath(outcomes);
            if (path.isOpen()) {
                planned = plan(request, c, outcomes, locale);
                failuresPlanned = outcomes.failures();
            }
            if (path.isOpen() && planned.removesEverything(c)) {
                // Redacting would leave nothing to share: the path is closed, and IS-4.1 says why.
                path = ConsentFreePath.closedAsNothingRemains();
            }
            session.insert(path);
            session.getAgenda().getAgendaGroup(DECISION_GROUP).setFocus();
            session.fireAllRules();
        } finally {
            session.dispose();
        }

        List<Result> results = assembler.results(
                Map.of(SubjectType.SHARING_CASE, List.of(new VerdictAssembler.Subject("", null, null))),
                outcomes,
                locale);
        // Pointers through a property named after the victim are masked like every other value.
        for (Result r : results) {
            if (r.getEvidence() != null) {
                r.setEvidence(r.getEvidence().stream().map(c.victim()::mask).toList());
            }
            if (r.getFiredRules() != null) {
                for (io.kakunin.api.model.FiredRule fired : r.getFiredRules()) {
                    if (fired.getPointers() != null) {
                        fired.setPointers(fired.getPointers().stream()
                                .map(c.victim()::mask)
                                .toList());
                    }
                }
            }
        }
        SharingDecision decision = decide(request, results, outcomes);
        List<Redaction> redactions = List.of();
        Map<String, Object> sanitized = null;
        TlpLevel tlp = marking.getLevel();
        if (decision == SharingDecision.SHARE_AFTER_REDACTION || decision == SharingDecision.SHARE_WITHOUT_CONSENT) {
            Plan plan = planned != null && failuresPlanned == outcomes.failures()
                    ? planned
                    : plan(request, c, outcomes, locale);
            if (decision == SharingDecision.SHARE_AFTER_REDACTION && plan.removesEverything(c)) {
                // What is removed even with consent (information that cannot be classified) leaves
                // nothing that consent could let go out: IS-4.1 says so with its own reason.
                decision = request.getVictimConsent() == ConsentStatus.REFUSED
                                || request.getVictimConsent() == ConsentStatus.OBTAINED
                        ? SharingDecision.DO_NOT_SHARE
                        : SharingDecision.CONSENT_REQUIRED;
            } else {
                redactions = decision == SharingDecision.SHARE_AFTER_REDACTION ? plan.redactions() : List.of();
                Set<Integer> removed = Set.of();
                if (c.bundle() != null) {
                    Sanitizer.Result out = new Sanitizer(c.bundle(), c.victim().sector(), now)
                            .sanitize(
                                    decision == SharingDecision.SHARE_AFTER_REDACTION ? plan.edits() : List.of(), tlp);
                    attachCascades(redactions, out.cascades());
                    reportRemovals(redactions, out.removed());
                    removed = out.removed();
                    sanitized = io.kakunin.kb.sharing.JsonTrees.map(out.bundle());
                }
                redactions = arrange(redactions, removed, Tlp.label(tlp), locale);
            }
        }
        return new SharingReview()
                .createdAt(now.truncatedTo(java.time.temporal.ChronoUnit.MICROS)
                        // to the microsecond, as every supported store keeps it: a record, its
                        // listing row and its first answer show the same time
                        .atOffset(ZoneOffset.UTC))
                .reviewDate(date)
                .locale(Locales.tag(locale))
                .ruleset(assembler.rulesetRef())
                .decision(decision)
                .tlp(new TlpMarking().level(tlp).label(Tlp.label(tlp)).markingDefinitionId(Tlp.markingId(tlp)))
                .allowedRedistribution(Tlp.allowedRedistribution(tlp))
                .recipientsAllowed(assembler.text(locale, "tlp." + tlp.getValue() + ".recipients", null))
                .overallOutcome(VerdictAssembler.overall(results))
                .counts(VerdictAssembler.counts(results))
                .followUp(VerdictAssembler.followUp(results))
                .results(results)
                .redactions(redactions.isEmpty() ? null : redactions)
                .sanitizedBundle(sanitized)
                .input(new SharingInputSummary()
                        .kind(c.bundle() != null ? "STIX" : "STRUCTURED")
                        .itemCount(c.items().size())
                        .victimProfileProvided(request.getVictimProfile() != null));
    }

    /**
     * The request as it may be kept: without the victim profile, and with everything the profile
     * matches masked in the items and the bundle.
     */
    static JsonNode storable(SharingReviewRequest request) {
        VictimMatcher victim = new VictimMatcher(request.getVictimProfile(), sharerName(request));
        tools.jackson.databind.node.ObjectNode tree = Json.mapper().valueToTree(request);
        tree.remove("victimProfile");
        victim.maskAll(tree);
        return tree;
    }

    /**
     * A review as it may be kept: everything the request's victim profile matches is masked,
     * including in the sanitized bundle (which, with the victim's consent, may carry the victim).
     */
    static JsonNode storable(SharingReviewRequest request, SharingReview review) {
        VictimMatcher victim = new VictimMatcher(request.getVictimProfile(), sharerName(request));
        JsonNode tree = Json.mapper().valueToTree(review);
        victim.maskAll(tree);
        return tree;
    }

    // ------------------------------------------------------------------ reading the case

    private static String sharerName(SharingReviewRequest request) {
        return request.getSharer() == null ? null : request.getSharer().getName();
    }

    private static void check(SharingReviewRequest request) {
        List<InvalidFactsException.Problem> problems = new ArrayList<>();
        if (request == null) {
            throw new InvalidFactsException(List.of(new InvalidFactsException.Problem("", "the request is empty")));
        }
        if (request.getSharer() == null) {
            problems.add(new InvalidFactsException.Problem("/sharer", "is required"));
        }
        if (request.getRecipients() == null || request.getRecipients().isEmpty()) {
            problems.add(new InvalidFactsException.Problem("/recipients", "must list at least one recipient"));
        }
        boolean items = request.getItems() != null;
        boolean stix = request.getStix() != null;
        if (items == stix) {
            problems.add(new InvalidFactsException.Problem(
                    items ? "/stix" : "/items",
                    items
                            ? "give either items or a STIX bundle, not both"
                            : "give the items to share, or a STIX bundle in /stix"));
        } else if (items && request.getItems().isEmpty()) {
            problems.add(new InvalidFactsException.Problem("/items", "must list at least one item"));
        }
        for (String pointer : VictimMatcher.invalidRanges(request.getVictimProfile())) {
            problems.add(new InvalidFactsException.Problem(pointer, "is not an address range in CIDR notation"));
        }
        for (String pointer : VictimMatcher.invalidDomains(request.getVictimProfile())) {
            problems.add(new InvalidFactsException.Problem(
                    pointer, "is not a DNS domain name (labels of letters, digits and hyphens, separated by dots)"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidFactsException(problems);
        }
    }

    private static void checkNulls(PointerIndex index) {
        if (!index.nullElements().isEmpty()) {
            throw new InvalidFactsException(index.nullElements().stream()
                    .map(pointer -> new InvalidFactsException.Problem(pointer, "must not be null"))
                    .toList());
        }
    }

    private static Case read(SharingReviewRequest request) {
        VictimMatcher victim = new VictimMatcher(request.getVictimProfile(), sharerName(request));
        if (request.getStix() != null) {
            JsonNode node = io.kakunin.kb.sharing.JsonTrees.tree(request.getStix());
            StixBundle bundle = StixBundle.read(node, MAX_STIX_OBJECTS);
            StixInspector.Inspection inspection =
                    new StixInspector(bundle, victim, request.getSamplesReviewedForEmbeddedData()).inspect();
            return new Case(
                    inspection.items(), inspection.objects(), inspection.identifiers(), bundle, inspection, victim);
        }
        List<Identifier> identifiers = new ArrayList<>();
        for (int i = 0; i < request.getItems().size(); i++) {
            SharedItem item = request.getItems().get(i);
            String at = "/items/" + i;
            if (item.getIdentifierFlags() != null) {
                for (IdentifierFlag flag : item.getIdentifierFlags()) {
                    identifiers.add(new Identifier(
                            at, at, flag, item.getValue() == null ? "" : item.getValue(), Identifier.Source.ITEM));
                }
            }
            for (String property : List.of("value", "description")) {
                String text = "value".equals(property) ? item.getValue() : item.getDescription();
                List<VictimMatcher.Match> found = new ArrayList<>(victim.inText(text));
                found.addAll(victim.addressesIn(text));
                for (VictimMatcher.Match m : found) {
                    if (identifiers.stream()
                            .noneMatch(x -> x.getObjectPointer().equals(at) && x.getKind() == m.kind())) {
                        identifiers.add(
                                new Identifier(at + "/" + property, at, m.kind(), m.found(), Identifier.Source.ITEM));
                    }
                }
            }
        }
        return new Case(request.getItems(), List.of(), identifiers, null, null, victim);
    }

    /**
     * The TLP the share must carry. Without consent: at least GREEN (de-identified attack technique
     * information between specialized organizations), AMBER when raw samples travel, and never
     * less than the sharer proposes. With consent: the proposed marking is the one the victim
     * agreed to; without a proposal, victim information goes RED. Either way, never less than the
     * bundle already carries, and raw samples never less than AMBER.
     */
    private ShareMarking marking(SharingReviewRequest request, Case c) {
        boolean samples = c.items().stream()
                .anyMatch(i -> i.getCategory() == ItemCategory.MALWARE_SAMPLE
                        || i.getCategory() == ItemCategory.MALWARE_CONFIG);
        boolean victimInformation = c.items().stream()
                        .anyMatch(i -> ruleset.catalog().damageInformation().contains(i.getCategory()))
                || c.identifiers().stream().anyMatch(i -> DIRECT.contains(i.getKind()));
        TlpLevel floor = samples ? TlpLevel.AMBER : null;
        for (StixObject o : c.objects()) {
            floor = Tlp.max(floor, o.getTlp());
        }
        TlpLevel proposed = request.getProposedTlp();
        TlpLevel withConsent =
                Tlp.max(floor, proposed != null ? proposed : victimInformation ? TlpLevel.RED : TlpLevel.GREEN);
        TlpLevel withoutConsent = Tlp.max(Tlp.max(floor, TlpLevel.GREEN), proposed);
        boolean consented = request.getVictimConsent() == ConsentStatus.OBTAINED
                || (request.getVictimConsent() == ConsentStatus.NOT_APPLICABLE
                        && !victimInformation
                        && request.getVictimProfile() == null);
        return new ShareMarking(consented ? withConsent : withoutConsent, withConsent);
    }

    // ------------------------------------------------------------------ the decision

    /** The path as the MUST items of the catalog's consent-free-path measures decided it (IS-4 is what depends on it). */
    private ConsentFreePath consentFreePath(Outcomes outcomes) {
        boolean blocked = false, closed = false, undecided = false;
        Set<String> missing = new LinkedHashSet<>();
        for (Catalog.Entry entry : ruleset.catalog().entries()) {
            if (entry.level() != Level.MUST || !ruleset.catalog().onConsentFreePath(entry.measure())) {
                continue;
            }
            Outcomes.Finding f = outcomes.finding(entry.id(), "");
            if (f == null) {
                undecided = true;
                missing.addAll(entry.facts());
            } else {
                if (asksForFacts(f)) {
                    undecided = true;
                    missing.addAll(f.pointersOf(Outcome.NEEDS_INFORMATION));
                }
                if (f.outcome == Outcome.FAIL) {
                    Set<Remedy> remedies = remedies(f);
                    blocked |= remedies.contains(Remedy.BLOCK);
                    closed |= remedies.contains(Remedy.CONSENT);
                }
            }
        }
        ConsentFreePath.State state = blocked
                ? ConsentFreePath.State.BLOCKED
                : closed
                        ? ConsentFreePath.State.CLOSED
                        : undecided ? ConsentFreePath.State.UNDECIDED : ConsentFreePath.State.OPEN;
        if (state == ConsentFreePath.State.OPEN) {
            return otherItems(outcomes);
        }
        return new ConsentFreePath(state, state == ConsentFreePath.State.UNDECIDED ? List.copyOf(missing) : List.of());
    }

    /**
     * An open path as the other MUST items of the share leave it: one that fails with a remedy
     * only consent settles (CONSENT) or none settles (BLOCK), or that needs information, decides
     * the answer as surely as the conditions of the path would. IS-4 then says so, instead of "no
     * consent is needed" next to CONSENT_REQUIRED or DO_NOT_SHARE. IS-4 itself has not run yet.
     */
    private ConsentFreePath otherItems(Outcomes outcomes) {
        boolean blocked = false, closed = false;
        Set<String> failing = new LinkedHashSet<>();
        Set<String> missing = new LinkedHashSet<>();
        for (Catalog.Entry entry : ruleset.catalog().entries()) {
            if (entry.level() != Level.MUST
                    || ruleset.catalog().onConsentFreePath(entry.measure())
                    || ruleset.catalog().topicOf(entry) != Topic.INFORMATION_SHARING) {
                continue;
            }
            Outcomes.Finding f = outcomes.finding(entry.id(), "");
            if (f == null) {
                continue;
            }
            if (asksForFacts(f)) {
                missing.addAll(f.pointersOf(Outcome.NEEDS_INFORMATION));
            }
            if (f.outcome == Outcome.FAIL) {
                Set<Remedy> remedies = remedies(f);
                if (remedies.contains(Remedy.BLOCK) || remedies.contains(Remedy.CONSENT)) {
                    blocked |= remedies.contains(Remedy.BLOCK);
                    closed |= remedies.contains(Remedy.CONSENT);
                    failing.addAll(f.pointersOf(Outcome.FAIL));
                }
            }
        }
        if (blocked || closed) {
            return ConsentFreePath.byOtherItems(
                    blocked ? ConsentFreePath.State.BLOCKED : ConsentFreePath.State.CLOSED,
                    failing.isEmpty() ? List.of("") : List.copyOf(failing));
        }
        if (!missing.isEmpty()) {
            return ConsentFreePath.byOtherItems(ConsentFreePath.State.UNDECIDED, List.copyOf(missing));
        }
        return new ConsentFreePath(ConsentFreePath.State.OPEN, List.of());
    }

    /**
     * Whether any rule of a finding asks for facts. A finding that fails for an edit (a redaction)
     * shows FAIL, but the facts another of its rules asks for are still missing: an item of unknown
     * category beside one that cannot be classified must not go out once the other is removed.
     */
    private static boolean asksForFacts(Outcomes.Finding f) {
        for (Outcomes.Report r : f.reports) {
            if (r.outcome() == Outcome.NEEDS_INFORMATION) {
                return true;
            }
        }
        return false;
    }

    /** What the failing rules of a finding ask for; a rule that names no remedy, or one not known, blocks. */
    private Set<Remedy> remedies(Outcomes.Finding f) {
        Set<Remedy> remedies = EnumSet.noneOf(Remedy.class);
        for (Outcomes.Report r : f.reports) {
            if (r.outcome() == Outcome.FAIL) {
                remedies.add(remedyOf(r.rule()));
            }
        }
        return remedies;
    }

    private Remedy remedyOf(String rule) {
        return Remedy.onFailure(ruleset.rule(rule).map(RuleInfo::remedy).orElse(null));
    }

    /**
     * The decision the failing and undecided sharing items lead to. Each failing MUST item counts
     * with the remedies of its failing rules ({@link Remedy#onFailure}: unknown means BLOCK).
     */
    static SharingDecision decide(ConsentStatus consent, List<Item> items) {
        boolean block = false, needsConsent = false, edits = false, undecided = false;
        for (Item item : items) {
            if (item.outcome() == Outcome.FAIL) {
                if (item.level() == Level.MUST) {
                    block |= item.remedies().contains(Remedy.BLOCK);
                    needsConsent |= item.remedies().contains(Remedy.CONSENT);
                }
                edits |= item.remedies().stream().anyMatch(Remedy::isEdit);
            }
            if (item.asksForFacts() && item.level() == Level.MUST) {
                undecided = true;
            }
        }
        if (block) {
            return SharingDecision.DO_NOT_SHARE;
        }
        if (needsConsent) {
            return consent == ConsentStatus.REFUSED ? SharingDecision.DO_NOT_SHARE : SharingDecision.CONSENT_REQUIRED;
        }
        if (undecided) {
            return SharingDecision.CONSENT_REQUIRED;
        }
        return edits ? SharingDecision.SHARE_AFTER_REDACTION : SharingDecision.SHARE_WITHOUT_CONSENT;
    }

    /**
     * One sharing item's result as the decision sees it; {@code asksForFacts} when one of its
     * rules needs information, whatever the outcome shown (a redaction's FAIL takes precedence).
     */
    record Item(Level level, Outcome outcome, Set<Remedy> remedies, boolean asksForFacts) {
        Item(Level level, Outcome outcome, Set<Remedy> remedies) {
            this(level, outcome, remedies, outcome == Outcome.NEEDS_INFORMATION);
        }
    }

    private SharingDecision decide(SharingReviewRequest request, List<Result> results, Outcomes outcomes) {
        List<Item> items = new ArrayList<>();
        for (Result r : results) {
            Catalog.Entry entry =
                    ruleset.catalog().entry(r.getRecommendationId()).orElseThrow();
            if (ruleset.catalog().topicOf(entry) == Topic.INFORMATION_SHARING) {
                Outcomes.Finding f = outcomes.finding(r.getRecommendationId(), "");
                items.add(new Item(
                        r.getLevel(),
                        r.getOutcome(),
                        r.getOutcome() == Outcome.FAIL ? remedies(f) : Set.of(),
                        r.getOutcome() == Outcome.NEEDS_INFORMATION || (f != null && asksForFacts(f))));
            }
        }
        return decide(request.getVictimConsent(), items);
    }

    // ------------------------------------------------------------------ redactions

    /** The planned redactions, and the edits that carry them out on a bundle. */
    private record Plan(List<Redaction> redactions, List<Sanitizer.Edit> edits, Set<String> removedItems) {
        boolean removesEverything(Case c) {
            if (c.bundle() == null) {
                return removedItems.size() >= c.items().size();
            }
            long shareable = c.items().stream()
                    .filter(i -> i.getCategory() != ItemCategory.CONTEXT)
                    .count();
            long removedShareable = 0;
            for (int i = 0; i < c.items().size(); i++) {
                if (c.items().get(i).getCategory() != ItemCategory.CONTEXT
                        && removedItems.contains(StixBundleIndex.of(i))) {
                    removedShareable++;
                }
            }
            return shareable > 0 && removedShareable >= shareable;
        }
    }

    /** Pointers of STIX objects, shared between the plan and the sanitizer. */
    private static final class StixBundleIndex {
        static String of(int i) {
            return "/stix/objects/" + i;
        }

        static int indexOf(String pointer) {
            String rest = pointer.substring("/stix/objects/".length());
            int slash = rest.indexOf('/');
            return Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
        }
    }

    private Plan plan(SharingReviewRequest request, Case c, Outcomes outcomes, Locale locale) {
        Map<String, Redaction> byTarget = new LinkedHashMap<>();
        Map<String, Integer> priority = new LinkedHashMap<>();
        List<Sanitizer.Edit> edits = new ArrayList<>();
        Set<String> removed = new LinkedHashSet<>();
        Set<String> inNames = new java.util.HashSet<>();
        Map<String, StixObject> objects = new LinkedHashMap<>();
        for (StixObject o : c.objects()) {
            objects.put(o.getPointer(), o);
        }
        for (Outcomes.Finding f : outcomes.findings()) {
            Catalog.Entry entry = ruleset.catalog().entry(f.recommendationId).orElse(null);
            if (entry == null
                    || f.outcome != Outcome.FAIL
                    || ruleset.catalog().topicOf(entry) != Topic.INFORMATION_SHARING) {
                continue;
            }
            for (Outcomes.Report report : f.reports) {
                Remedy remedy = remedyOf(report.rule());
                if (report.outcome() != Outcome.FAIL || !remedy.isEdit()) {
                    continue;
                }
                if (report.node() instanceof Identifier id && id.isInPropertyName()) {
                    inNames.add(id.getPointer() + "|" + id.getFound());
                }
                Redaction r = redactionFor(
                        report.node(),
                        remedy,
                        f.recommendationId,
                        request,
                        objects,
                        c.inspection() == null ? Map.of() : c.inspection().pointers());
                if (r == null) {
                    continue;
                }
                String key = r.getPointer() + "|" + r.getAction() + "|" + r.getFinding() + "|" + r.getFound();
                int rank = rank(f.recommendationId);
                if (!byTarget.containsKey(key) || rank > priority.get(key)) {
                    byTarget.put(key, r);
                    priority.put(key, rank);
                }
            }
        }
        List<Redaction> redactions = new ArrayList<>(byTarget.values());
        for (Redaction r : redactions) {
            r.reason(assembler.text(locale, "redaction." + r.getFinding().getValue(), null));
            String raw = r.getFound();
            r.found(c.victim().mask(raw));
            String pointer = r.getPointer();
            switch (r.getAction()) {
                case REMOVE_ITEM -> removed.add(pointer);
                case REMOVE_OBJECT -> {
                    int i = StixBundleIndex.indexOf(pointer);
                    edits.add(new Sanitizer.RemoveObject(i));
                    removed.add(StixBundleIndex.of(i));
                }
                case GENERALIZE_IDENTITY -> {
                    int i = StixBundleIndex.indexOf(pointer);
                    int target = r.getFinding() == RedactionFinding.VICTIM_SIGHTING
                            ? indexOfReferencedIdentity(c, pointer)
                            : i;
                    if (target >= 0) {
                        edits.add(new Sanitizer.GeneralizeIdentity(target));
                    }
                }
                case GENERALIZE_LOCATION ->
                    edits.add(new Sanitizer.GeneralizeLocation(StixBundleIndex.indexOf(pointer)));
                case REPLACE_TEXT -> {
                    int i = StixBundleIndex.indexOf(pointer);
                    String property = pointer.substring(StixBundleIndex.of(i).length());
                    edits.add(new Sanitizer.ReplaceText(i, property, raw));
                    if (inNames.contains(pointer + "|" + raw)) {
                        edits.add(new Sanitizer.RenameProperty(i, property, raw));
                    }
                }
                case APPLY_MARKING -> {}
            }
            // A pointer through a property named after the victim is masked like any other value.
            r.pointer(c.victim().mask(pointer));
        }
        // Remove before anything else touches the same object; rename properties last, the deepest
        // first, so that every other edit still finds its property by the name it had.
        edits.sort(java.util.Comparator.comparingInt((Sanitizer.Edit e) ->
                        e instanceof Sanitizer.RemoveObject ? 0 : e instanceof Sanitizer.RenameProperty ? 2 : 1)
                .thenComparingInt(e ->
                        e instanceof Sanitizer.RenameProperty p ? -p.property().length() : 0));
        return new Plan(redactions, edits, removed);
    }

    private static int indexOfReferencedIdentity(Case c, String wherePointer) {
        JsonNode sighting = c.bundle().objects().get(StixBundleIndex.indexOf(wherePointer));
        String ref = sighting.path("where_sighted_refs")
                .path(Integer.parseInt(wherePointer.substring(wherePointer.lastIndexOf('/') + 1)))
                .asString("");
        List<Integer> indices = c.bundle().indicesOf(ref);
        return indices.isEmpty() ? -1 : indices.get(0);
    }

    /** The more specific the recommendation, the better it explains a redaction: its measure's place in the catalog. */
    private int rank(String recommendationId) {
        return ruleset.catalog()
                .entry(recommendationId)
                .map(e -> ruleset.catalog().order(e.measure()))
                .orElse(-1);
    }

    private Redaction redactionFor(
            Object node,
            Remedy remedy,
            String recommendationId,
            SharingReviewRequest request,
            Map<String, StixObject> objects,
            Map<Object, String> derivedPointers) {
        if (node instanceof Identifier id) {
            return identifierRedaction(id, recommendationId, objects);
        }
        if (node instanceof StixObject o) {
            return objectRedaction(o, remedy, recommendationId);
        }
        if (node instanceof SharedItem item) {
            String pointer = derivedPointers.get(item);
            if (pointer != null) {
                return objectRedaction(objects.get(pointer), remedy, recommendationId);
            }
            int index = request.getItems() == null ? -1 : indexOfIdentity(request.getItems(), item);
            if (index < 0) {
                return null;
            }
            RedactionFinding finding = ruleset.catalog().damageInformation().contains(item.getCategory())
                    ? RedactionFinding.DAMAGE_INFORMATION
                    : RedactionFinding.UNCLASSIFIED_OBJECT;
            return new Redaction()
                    .pointer("/items/" + index)
                    .finding(finding)
                    .found(item.getValue())
                    .action(RedactionAction.REMOVE_ITEM)
                    .recommendationId(recommendationId);
        }
        if (node instanceof SharingReviewRequest && remedy == Remedy.MARK) {
            return new Redaction()
                    .pointer("/proposedTlp")
                    .finding(RedactionFinding.WEAK_MARKING)
                    .found(request.getProposedTlp() == null ? null : Tlp.label(request.getProposedTlp()))
                    .action(RedactionAction.APPLY_MARKING)
                    .recommendationId(recommendationId);
        }
        return null;
    }

    private static int indexOfIdentity(List<SharedItem> items, SharedItem item) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) == item) {
                return i;
            }
        }
        return -1;
    }

    private static Redaction identifierRedaction(
            Identifier id, String recommendationId, Map<String, StixObject> objects) {
        RedactionFinding finding = id.getSource() == Identifier.Source.STIX_LOCATION
                ? RedactionFinding.PRECISE_LOCATION
                : RedactionFinding.fromValue(id.getKind().getValue());
        Redaction r = new Redaction().finding(finding).found(id.getFound()).recommendationId(recommendationId);
        switch (id.getSource()) {
            case ITEM -> {
                return r.pointer(id.getObjectPointer()).action(RedactionAction.REMOVE_ITEM);
            }
            case STIX_LOCATION -> {
                return r.pointer(id.getObjectPointer()).action(RedactionAction.GENERALIZE_LOCATION);
            }
            case STIX_TEXT -> {
                return r.pointer(id.getPointer()).action(RedactionAction.REPLACE_TEXT);
            }
            default -> {
                StixObject o = objects.get(id.getObjectPointer());
                String type = o == null ? "" : o.getType();
                boolean removable = Set.of(
                                "indicator",
                                "ipv4-addr",
                                "ipv6-addr",
                                "domain-name",
                                "url",
                                "email-addr",
                                "user-account",
                                "network-traffic",
                                "mac-addr")
                        .contains(type);
                return r.pointer(id.getPointer())
                        .action(removable ? RedactionAction.REMOVE_OBJECT : RedactionAction.REPLACE_TEXT);
            }
        }
    }

    private static Redaction objectRedaction(StixObject o, Remedy remedy, String recommendationId) {
        if (remedy == Remedy.MARK) {
            return new Redaction()
                    .pointer(o.getPointer() + "/object_marking_refs")
                    .finding(o.getTlp() == null ? RedactionFinding.MISSING_MARKING : RedactionFinding.WEAK_MARKING)
                    .found(o.getTlp() == null ? null : Tlp.label(o.getTlp()))
                    .action(RedactionAction.APPLY_MARKING)
                    .recommendationId(recommendationId);
        }
        return switch (o.getType()) {
            case "identity" ->
                new Redaction()
                        .pointer(o.getPointer())
                        .finding(RedactionFinding.VICTIM_IDENTITY)
                        .found(o.getId())
                        .action(RedactionAction.GENERALIZE_IDENTITY)
                        .recommendationId(recommendationId);
            case "sighting" ->
                new Redaction()
                        .pointer(o.getPointer() + "/where_sighted_refs/0")
                        .finding(RedactionFinding.VICTIM_SIGHTING)
                        .found(o.getId())
                        .action(RedactionAction.GENERALIZE_IDENTITY)
                        .recommendationId(recommendationId);
            default ->
                new Redaction()
                        .pointer(o.getPointer())
                        .finding(
                                o.getType().startsWith("x-")
                                                || io.kakunin.kb.sharing.StixBundle.definedByExtension(o.getType())
                                        ? RedactionFinding.UNCLASSIFIED_OBJECT
                                        : o.getType().equals("user-account")
                                                ? RedactionFinding.ACCOUNT
                                                : RedactionFinding.DAMAGE_INFORMATION)
                        .found(o.getId())
                        .action(RedactionAction.REMOVE_OBJECT)
                        .recommendationId(recommendationId);
        };
    }

    /**
     * A redaction says what was done: when the sanitizer had to remove the whole object (a URL was
     * the artifact's only content, a location had nothing left to generalize to), it says so.
     */
    private static void reportRemovals(List<Redaction> redactions, Set<Integer> removed) {
        for (Redaction r : redactions) {
            if (r.getPointer().startsWith("/stix/objects/")
                    && r.getAction() != RedactionAction.REMOVE_OBJECT
                    && r.getAction() != RedactionAction.APPLY_MARKING
                    && removed.contains(StixBundleIndex.indexOf(r.getPointer()))) {
                r.action(RedactionAction.REMOVE_OBJECT);
            }
        }
    }

    /** What is removed first, then what is replaced, generalized, and last what is marked. */
    private static final List<RedactionAction> ORDER = List.of(
            RedactionAction.REMOVE_OBJECT,
            RedactionAction.REMOVE_ITEM,
            RedactionAction.REPLACE_TEXT,
            RedactionAction.GENERALIZE_IDENTITY,
            RedactionAction.GENERALIZE_LOCATION,
            RedactionAction.APPLY_MARKING);

    /**
     * The redactions as an analyst reads them: what was removed or replaced first, in the order of
     * the request, and the markings last. The share's marking stamped on many objects (76 and 155
     * entries for two public reports drowned the real edits) is one entry per (finding, item,
     * marking found) with the number of objects and their pointers, and objects the share no
     * longer carries get no marking.
     */
    private List<Redaction> arrange(List<Redaction> redactions, Set<Integer> removed, String marking, Locale locale) {
        List<Redaction> arranged = new ArrayList<>(redactions.size());
        Map<String, List<Redaction>> groups = new LinkedHashMap<>();
        for (Redaction r : redactions) {
            boolean stamp = r.getAction() == RedactionAction.APPLY_MARKING
                    && r.getPointer().startsWith("/stix/objects/")
                    && io.kakunin.kb.ruleset.Integrity.GROUPED_REDACTIONS.contains(r.getFinding());
            if (!stamp) {
                arranged.add(r);
            } else if (!removed.contains(StixBundleIndex.indexOf(r.getPointer()))) {
                groups.computeIfAbsent(
                                r.getRecommendationId() + "|" + r.getFinding() + "|" + r.getFound(),
                                k -> new ArrayList<>())
                        .add(r);
            }
        }
        for (List<Redaction> group : groups.values()) {
            if (group.size() == 1) {
                arranged.add(group.get(0));
                continue;
            }
            group.sort(java.util.Comparator.comparingInt((Redaction r) -> StixBundleIndex.indexOf(r.getPointer())));
            Redaction first = group.get(0);
            Redaction all = new Redaction()
                    .pointer(first.getPointer())
                    .finding(first.getFinding())
                    .found(first.getFound())
                    .action(RedactionAction.APPLY_MARKING)
                    .recommendationId(first.getRecommendationId())
                    .count(group.size())
                    .pointers(group.stream().map(Redaction::getPointer).toList());
            arranged.add(all.reason(assembler.redactionReason(locale, all, marking)));
        }
        arranged.sort(java.util.Comparator.comparingInt((Redaction r) -> ORDER.indexOf(r.getAction()))
                .thenComparingInt(SharingReviewer::positionInRequest));
        return arranged;
    }

    /** The object's index for a pointer into the bundle, the item's for a structured item, else the end. */
    private static int positionInRequest(Redaction r) {
        String pointer = r.getPointer();
        if (pointer.startsWith("/stix/objects/")) {
            return StixBundleIndex.indexOf(pointer);
        }
        if (pointer.startsWith("/items/")) {
            String rest = pointer.substring("/items/".length());
            int slash = rest.indexOf('/');
            return Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
        }
        return Integer.MAX_VALUE;
    }

    private static void attachCascades(List<Redaction> redactions, Map<Integer, List<Integer>> cascades) {
        for (Redaction r : redactions) {
            if (r.getAction() == RedactionAction.REMOVE_OBJECT) {
                List<Integer> also = cascades.get(StixBundleIndex.indexOf(r.getPointer()));
                if (also != null && !also.isEmpty()) {
                    r.alsoRemoved(also.stream().map(StixBundleIndex::of).toList());
                }
            }
        }
    }
}
