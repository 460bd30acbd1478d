package io.kakunin.kb.ruleset;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.kakunin.api.model.EvidenceType;
import io.kakunin.api.model.ItemCategory;
import io.kakunin.api.model.JcStarTitleSource;
import io.kakunin.api.model.JcStarWording;
import io.kakunin.api.model.Level;
import io.kakunin.api.model.ReferenceScheme;
import io.kakunin.api.model.SourceConfidence;
import io.kakunin.api.model.SourceGrade;
import io.kakunin.api.model.SubjectType;
import io.kakunin.api.model.Topic;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The recommendation catalog of a ruleset ({@code catalog.yaml}): every guideline item with
 * its level, the subject it is evaluated for, its evidence type, its source confidence, its
 * cross-references and the sources that back it (the documents that were read, each with its
 * grade). Titles and texts live in the message bundles, keyed by the same IDs.
 */
public final class Catalog {

    private static final Pattern RECOMMENDATION_ID = Pattern.compile("(PS|IS)-[0-9]+\\.[0-9]+");
    private static final Pattern MEASURE_ID = Pattern.compile("(PS|IS)-[0-9]+");
    private static final Pattern STAR_REQUIREMENT_ID = Pattern.compile("S[0-9]\\.[0-9]+-[0-9]{2}");
    /** A JC_STAR reference that names a requirement (not the scheme or its asset classes). */
    private static final Pattern STAR_REQUIREMENT_REF = Pattern.compile("S[0-9]\\.[0-9]+-.*");

    private static final Pattern DOCUMENT_KEY = Pattern.compile("[a-z0-9][a-z0-9.-]{0,79}");

    /**
     * One group of recommendations (a measure of the guide, or a group of the sharing rules).
     *
     * @param consentFreePath whether the measure's MUST items decide if attack-technique
     *                        information may go out without the victim's consent (METI: IS-1,
     *                        IS-2, IS-3, IS-5); the items that depend on that path read it
     */
    public record Measure(String id, Topic topic, Boolean consentFreePath) {
        public Measure {
            consentFreePath = consentFreePath != null && consentFreePath;
        }
    }

    /**
     * A cross-reference; {@code note} says, for example, that an ID is not yet confirmed.
     *
     * @param confidence how well the correspondence itself is sourced, where it is weaker than
     *                   the item's sources (I: an ID found by elimination); null when it is not
     */
    public record Ref(ReferenceScheme scheme, String id, String note, SourceConfidence confidence) {}

    /**
     * A text that was read, listed once under {@code documents} and cited by the items it backs.
     *
     * @param grade    how close the copy that was read is to the issuer's own words (P1, P2, S2)
     * @param location where it was read: the issuer's page, or the third party's copy the grade
     *                 is about
     */
    public record Document(String title, SourceGrade grade, String location) {}

    /** What backs an item: a document of the catalog ({@code documents}), and the section or provision in it. */
    public record Citation(String document, String section) {}

    /** A citation with its document: what a verdict and the catalog show an officer. */
    public record Source(String document, String section, SourceGrade grade, String location) {}

    /**
     * One recommendation.
     *
     * @param effectiveFrom the instant from which a FAIL of the item is enforced (RFC 3339 with an
     *                      offset, as written in the catalog); before it a FAIL is reported as
     *                      {@code WARN} by the overlay ({@code io.kakunin.kb.Waivers}); null when the
     *                      item is in force since it was published. {@link #effectiveFrom(String)}
     *                      gives it parsed.
     */
    public record Entry(
            String id,
            String measure,
            Level level,
            SubjectType subject,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<EvidenceType> evidence,

            SourceConfidence confidence,
            String basis,
            String sourceEdition,
            List<String> facts,
            List<Ref> references,
            List<Citation> sources,
            String effectiveFrom) {

        public Entry {
            evidence = evidence == null ? List.of() : List.copyOf(evidence);
            facts = facts == null ? List.of() : List.copyOf(facts);
            references = references == null ? List.of() : List.copyOf(references);
            sources = sources == null ? List.of() : List.copyOf(sources);
        }
    }

    /**
     * One requirement of the JC-STAR ★1 scheme, a row of IPA's checklist. Its title and text are
     * in the message bundles ({@code jcStar.<id>.title}, {@code .requirement}); the recommendations
     * that decide it are those whose JC_STAR reference names it ({@link #decidingEntries}).
     *
     * @param wording     how much of IPA's text the Japanese requirement gives
     * @param titleFrom   whether the title is IPA's own or a label of ours
     * @param evidence    how IPA assesses the row, where a source says so; empty where none does
     * @param pstiCovered whether IPA takes a PSTI-conformant product to meet the row and waives it
     */
    public record StarRequirement(
            String id,
            JcStarWording wording,
            JcStarTitleSource titleFrom,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<EvidenceType> evidence,

            Boolean pstiCovered) {

        public StarRequirement {
            evidence = evidence == null ? List.of() : List.copyOf(evidence);
            pstiCovered = pstiCovered != null && pstiCovered;
        }
    }

    /**
     * The JC-STAR ★1 scheme: its rows in IPA's order.
     *
     * @param label    the scheme and level as shown ("JC-STAR ★1")
     * @param criteria the IPA document the rows come from
     */
    public record StarScheme(String label, String criteria, List<StarRequirement> requirements) {
        public StarScheme {
            requirements = requirements == null ? List.of() : List.copyOf(requirements);
        }
    }

    /** A recommendation that decides a ★1 row, and the reference by which it does. */
    public record Deciding(Entry entry, Ref reference) {}

    private record CatalogFile(
            String version,
            List<Measure> measures,
            List<ItemCategory> damageInformation,
            LinkedHashMap<String, Document> documents,
            StarScheme jcStar,
            List<Entry> recommendations) {}

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final String version;
    private final Map<String, Measure> measures;
    private final List<String> measureOrder;
    private final Set<ItemCategory> damageInformation;
    private final Map<String, Entry> entries;
    private final StarScheme jcStar;
    private final Map<String, List<Deciding>> deciding;
    private final Map<String, List<Source>> sources;
    private final Map<String, Instant> effectiveFrom;

    private Catalog(
            String version,
            Map<String, Measure> measures,
            Set<ItemCategory> damageInformation,
            Map<String, Document> documents,
            Map<String, Entry> entries,
            StarScheme jcStar) {
        this.version = version;
        this.measures = measures;
        this.measureOrder = List.copyOf(measures.keySet());
        this.damageInformation = damageInformation;
        this.entries = entries;
        this.jcStar = jcStar;
        Map<String, List<Deciding>> byRow = new LinkedHashMap<>();
        if (jcStar != null) {
            for (StarRequirement row : jcStar.requirements()) {
                byRow.put(row.id(), new ArrayList<>());
            }
            for (Entry entry : entries.values()) {
                for (Ref ref : entry.references()) {
                    if (ref.scheme() == ReferenceScheme.JC_STAR && byRow.containsKey(ref.id())) {
                        byRow.get(ref.id()).add(new Deciding(entry, ref));
                    }
                }
            }
            byRow.replaceAll((k, v) -> List.copyOf(v));
        }
        this.deciding = Collections.unmodifiableMap(byRow);
        Map<String, List<Source>> resolved = new LinkedHashMap<>();
        entries.forEach((id, entry) -> resolved.put(
                id,
                entry.sources().stream()
                        .map(c -> {
                            Document d = documents.get(c.document());
                            return new Source(d.title(), c.section(), d.grade(), d.location());
                        })
                        .toList()));
        this.sources = Collections.unmodifiableMap(resolved);
        Map<String, Instant> from = new LinkedHashMap<>();
        entries.forEach((id, entry) -> {
            if (entry.effectiveFrom() != null) {
                from.put(id, instant(entry.effectiveFrom()));
            }
        });
        this.effectiveFrom = Collections.unmodifiableMap(from);
    }

    /** An instant as the catalog writes it: RFC 3339 with an offset ({@code 2027-04-01T00:00:00+09:00}). */
    private static Instant instant(String text) {
        return OffsetDateTime.parse(text.strip()).toInstant();
    }

    /** Parses and checks {@code catalog.yaml}; every problem found is reported at once. */
    public static Catalog parse(String yaml) {
        String file = "catalog.yaml";
        CatalogFile doc;
        try {
            doc = YAML.readValue(yaml, CatalogFile.class);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
            throw new RulesetException(
                    "the catalog cannot be read",
                    List.of(new Diagnostic(file, line, column, Diagnostic.Severity.ERROR, e.getOriginalMessage())));
        }
        if (doc == null) {
            throw new RulesetException("the catalog is empty", List.of(Diagnostic.error(file, "the catalog is empty")));
        }
        List<Diagnostic> problems = new ArrayList<>();
        if (doc.version() == null || doc.version().isBlank()) {
            problems.add(Diagnostic.error(file, "the catalog has no version"));
        } else if (!doc.version().matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,79}")) {
            // It is stored with every verdict and shown in headers: a short plain token.
            problems.add(Diagnostic.error(
                    file,
                    "the catalog's version '" + abbreviate(doc.version())
                            + "' must be at most 80 letters, digits, '.', '_', '+' or '-'"));
        }
        Map<String, Measure> measures = new LinkedHashMap<>();
        for (Measure m : doc.measures() == null ? List.<Measure>of() : doc.measures()) {
            if (m.id() == null || !MEASURE_ID.matcher(m.id()).matches()) {
                problems.add(Diagnostic.error(file, "measure ID '" + m.id() + "' is not of the form PS-<n> or IS-<n>"));
            } else if (measures.putIfAbsent(m.id(), m) != null) {
                problems.add(Diagnostic.error(file, "measure " + m.id() + " is listed twice"));
            }
            if (m.topic() == null) {
                problems.add(Diagnostic.error(file, "measure " + m.id() + " has no topic"));
            }
        }
        Map<String, Document> documents = doc.documents() == null ? Map.of() : doc.documents();
        documents.forEach((key, d) -> {
            if (!DOCUMENT_KEY.matcher(key).matches()) {
                problems.add(at(
                        RuleLocator.catalogDocument(yaml, key),
                        "document key '" + abbreviate(key)
                                + "' must be at most 80 lower-case letters, digits, '.' or '-'"));
            }
            if (d == null || d.title() == null || d.title().isBlank()) {
                problems.add(at(RuleLocator.catalogDocument(yaml, key), "document " + key + " has no title"));
            }
            if (d == null || d.grade() == null) {
                problems.add(at(
                        RuleLocator.catalogDocument(yaml, key),
                        "document " + key + " has no grade: P1 (the issuer's own text), P2 (a third party"
                                + " reproducing its wording) or S2 (a third party's paraphrase or summary)"));
            }
        });
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry e : doc.recommendations() == null ? List.<Entry>of() : doc.recommendations()) {
            String id = e.id();
            if (id == null || !RECOMMENDATION_ID.matcher(id).matches()) {
                problems.add(Diagnostic.error(
                        file, "recommendation ID '" + id + "' is not of the form PS-<n>.<n> or IS-<n>.<n>"));
                continue;
            }
            if (entries.putIfAbsent(id, e) != null) {
                problems.add(Diagnostic.error(file, "recommendation " + id + " is listed twice"));
            }
            if (e.measure() == null || !measures.containsKey(e.measure())) {
                problems.add(Diagnostic.error(
                        file, id + " names measure '" + e.measure() + "', which the catalog does not list"));
            } else if (!id.startsWith(e.measure() + ".")) {
                problems.add(Diagnostic.error(file, id + " does not belong to measure " + e.measure()));
            }
            if (e.level() == null) problems.add(Diagnostic.error(file, id + " has no level"));
            if (e.subject() == null) problems.add(Diagnostic.error(file, id + " has no subject"));
            if (e.evidence().isEmpty()) problems.add(Diagnostic.error(file, id + " has no evidence type"));
            if (e.evidence().size() != Set.copyOf(e.evidence()).size()) {
                problems.add(Diagnostic.error(file, id + " lists an evidence type twice"));
            }
            if (e.confidence() == null) problems.add(Diagnostic.error(file, id + " has no confidence tag (C, S or I)"));
            for (Ref ref : e.references()) {
                if (ref.scheme() == null || ref.id() == null || ref.id().isBlank()) {
                    problems.add(Diagnostic.error(file, id + " has a reference without scheme or id"));
                }
            }
            for (String fact : e.facts()) {
                if (!fact.startsWith("/")) {
                    problems.add(
                            Diagnostic.error(file, id + " lists fact '" + fact + "', which is not a JSON Pointer"));
                }
            }
            problems.addAll(sourceProblems(yaml, e, documents));
            if (e.effectiveFrom() != null
                    && e.measure() != null
                    && measures.containsKey(e.measure())
                    && measures.get(e.measure()).topic() == Topic.INFORMATION_SHARING) {
                // A sharing decision fails closed: an item announced as a warning would let a bundle
                // be shared that the item forbids.
                problems.add(at(
                        effectiveFromLine(yaml, RuleLocator.catalogEntry(yaml, id)),
                        id + " has effectiveFrom, but an information-sharing item is in force as soon as it is"
                                + " published: a sharing decision fails closed, and a warning would let share"
                                + " what the item forbids"));
            } else if (e.effectiveFrom() != null) {
                try {
                    instant(e.effectiveFrom());
                } catch (DateTimeParseException bad) {
                    problems.add(at(
                            effectiveFromLine(yaml, RuleLocator.catalogEntry(yaml, id)),
                            id + " has effectiveFrom '" + abbreviate(e.effectiveFrom())
                                    + "', which is not an instant: write it in RFC 3339 with an offset,"
                                    + " such as 2027-04-01T00:00:00+09:00 or 2027-03-31T15:00:00Z"));
                }
            }
        }
        if (entries.isEmpty()) {
            problems.add(Diagnostic.error(file, "the catalog lists no recommendation"));
        }
        boolean sharing = measures.values().stream().anyMatch(m -> m.topic() == Topic.INFORMATION_SHARING);
        if (sharing
                && (doc.damageInformation() == null || doc.damageInformation().isEmpty())) {
            problems.add(Diagnostic.error(
                    file,
                    "a catalog with sharing measures lists the item categories that are the victim's damage"
                            + " or response information under damageInformation"));
        }
        problems.addAll(checkStarScheme(file, doc.jcStar(), entries.values()));
        if (!problems.isEmpty()) {
            throw new RulesetException("the catalog is not valid", problems);
        }
        Set<ItemCategory> damage =
                doc.damageInformation() == null || doc.damageInformation().isEmpty()
                        ? Set.of()
                        : Collections.unmodifiableSet(EnumSet.copyOf(doc.damageInformation()));
        return new Catalog(
                doc.version(),
                Collections.unmodifiableMap(measures),
                damage,
                documents,
                Collections.unmodifiableMap(entries),
                doc.jcStar());
    }

    /**
     * The ★1 rows are well formed, each listed once; and a JC_STAR reference that names a
     * requirement names one of them, so that no recommendation maps to a row nobody sees.
     */
    private static List<Diagnostic> checkStarScheme(String file, StarScheme scheme, Collection<Entry> entries) {
        List<Diagnostic> problems = new ArrayList<>();
        if (scheme == null) {
            return problems;
        }
        if (scheme.label() == null || scheme.label().isBlank()) {
            problems.add(Diagnostic.error(file, "the jcStar scheme has no label"));
        }
        Set<String> rows = new java.util.HashSet<>();
        for (StarRequirement row : scheme.requirements()) {
            if (row.id() == null || !STAR_REQUIREMENT_ID.matcher(row.id()).matches()) {
                problems.add(Diagnostic.error(
                        file, "JC-STAR requirement ID '" + row.id() + "' is not of the form S<n>.<n>-<nn>"));
                continue;
            }
            if (!rows.add(row.id())) {
                problems.add(Diagnostic.error(file, "JC-STAR requirement " + row.id() + " is listed twice"));
            }
            if (row.wording() == null) {
                problems.add(Diagnostic.error(
                        file,
                        "JC-STAR requirement " + row.id() + " does not say how much of IPA's text is known"
                                + " (wording: IPA, IPA_PARTIAL, SUMMARY or UNKNOWN)"));
            }
            if (row.titleFrom() == null) {
                problems.add(Diagnostic.error(
                        file,
                        "JC-STAR requirement " + row.id()
                                + " does not say whose its title is (titleFrom: IPA or SUMMARY)"));
            }
            if (row.evidence().size() != Set.copyOf(row.evidence()).size()) {
                problems.add(
                        Diagnostic.error(file, "JC-STAR requirement " + row.id() + " lists an evidence type twice"));
            }
        }
        if (rows.isEmpty()) {
            problems.add(Diagnostic.error(file, "the jcStar scheme lists no requirement"));
        }
        for (Entry entry : entries) {
            for (Ref ref : entry.references()) {
                if (ref.scheme() == ReferenceScheme.JC_STAR
                        && ref.id() != null
                        && STAR_REQUIREMENT_REF.matcher(ref.id()).matches()
                        && !rows.contains(ref.id())) {
                    problems.add(Diagnostic.error(
                            file,
                            entry.id() + " refers to JC-STAR " + ref.id() + ", which the jcStar scheme does not list"));
                }
            }
        }
        return problems;
    }

    /**
     * An item must say what backs it: at least one document of the catalog, with the section or
     * provision, whose grade says how close the text read is to the issuer's own words. Reported
     * at the item's line (a document without a grade is reported once, at the document).
     */
    private static List<Diagnostic> sourceProblems(String yaml, Entry e, Map<String, Document> documents) {
        List<Diagnostic> problems = new ArrayList<>();
        RuleLocator.Position item = RuleLocator.catalogEntry(yaml, e.id());
        if (e.sources().isEmpty()) {
            problems.add(at(
                    item,
                    e.id() + " names no source: list under its sources the documents that back it"
                            + " ({document: <key under documents>, section: <section or provision>})"));
        }
        for (Citation c : e.sources()) {
            if (c == null || c.document() == null || c.document().isBlank()) {
                problems.add(at(item, e.id() + " has a source without a document"));
            } else if (!documents.containsKey(c.document())) {
                List<String> meant = NearestNames.of(c.document(), documents.keySet(), 1);
                problems.add(at(
                        item,
                        e.id() + " cites document '" + abbreviate(c.document()) + "', which documents does not list"
                                + (meant.isEmpty() ? "" : ": did you mean '" + meant.get(0) + "'?")));
            } else if (c.section() == null || c.section().isBlank()) {
                problems.add(at(
                        item,
                        e.id() + " cites document " + c.document()
                                + " without the section or provision that backs it"));
            }
        }
        return problems;
    }

    /** The line of an item's {@code effectiveFrom:} (the item's own line when it cannot be found). */
    private static RuleLocator.Position effectiveFromLine(String yaml, RuleLocator.Position item) {
        if (item.line() <= 0) {
            return item;
        }
        String[] lines = yaml.split("\n", -1);
        int indent = indent(lines[item.line() - 1]);
        for (int i = item.line(); i < lines.length; i++) {
            if (lines[i].stripLeading().startsWith("- ") && indent(lines[i]) <= indent) {
                break; // the next item (a deeper "- " is one of this item's lists)
            }
            int at = lines[i].indexOf("effectiveFrom:");
            if (at >= 0) {
                return new RuleLocator.Position(i + 1, at + 1);
            }
        }
        return item;
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    private static Diagnostic at(RuleLocator.Position position, String message) {
        return new Diagnostic("catalog.yaml", position.line(), position.column(), Diagnostic.Severity.ERROR, message);
    }

    /** The version the ruleset's authors gave it. */
    public String version() {
        return version;
    }

    /** The sources that back a recommendation, with their documents, in the order the catalog lists them. */
    public List<Source> sourcesOf(String id) {
        return sources.getOrDefault(id, List.of());
    }

    /** Every recommendation, in catalog order. */
    public Collection<Entry> entries() {
        return entries.values();
    }

    /** The instant from which a recommendation is enforced, when the catalog gives one (see {@link Entry#effectiveFrom}). */
    public Optional<Instant> effectiveFrom(String id) {
        return Optional.ofNullable(effectiveFrom.get(id));
    }

    public Optional<Entry> entry(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    public Optional<Measure> measure(String id) {
        return Optional.ofNullable(measures.get(id));
    }

    /** The measures that have recommendations, in catalog order of their first recommendation. */
    public List<String> measureIds() {
        return entries.values().stream().map(Entry::measure).distinct().toList();
    }

    /** The JC-STAR ★1 scheme, when the catalog has one. */
    public Optional<StarScheme> jcStar() {
        return Optional.ofNullable(jcStar);
    }

    /**
     * The recommendations that decide a ★1 row, in catalog order: those whose JC_STAR reference
     * names it. The catalog's references are the one record of which item maps to which row.
     */
    public List<Deciding> decidingEntries(String requirementId) {
        return deciding.getOrDefault(requirementId, List.of());
    }

    /** Whether a measure's MUST items decide the consent-free path (see {@link Measure#consentFreePath}). */
    public boolean onConsentFreePath(String measureId) {
        Measure m = measures.get(measureId);
        return m != null && m.consentFreePath();
    }

    /**
     * The position of a measure in the catalog: later measures are the more specific ones (IS-7
     * after IS-3 after IS-2), and a redaction is explained by the most specific item that asks for it.
     */
    public int order(String measureId) {
        return measureOrder.indexOf(measureId);
    }

    /** The item categories that are the victim's damage or response information (never shared without consent). */
    public Set<ItemCategory> damageInformation() {
        return damageInformation;
    }

    public Topic topicOf(Entry entry) {
        return measures.get(entry.measure()).topic();
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
