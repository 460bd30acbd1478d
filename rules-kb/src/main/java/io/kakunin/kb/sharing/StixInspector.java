package io.kakunin.kb.sharing;

import io.kakunin.api.model.IdentifierFlag;
import io.kakunin.api.model.ItemCategory;
import io.kakunin.api.model.SharedItem;
import io.kakunin.api.model.TlpLevel;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a validated bundle the way a careful analyst would before sharing it: maps each object
 * to the kind of information it is (attack technique, damage and response, context), and finds
 * everything that identifies or points to the victim, property by property.
 */
public final class StixInspector {

    /** What the inspection found. Items and facts keep the pointer of the object they came from. */
    public record Inspection(
            List<SharedItem> items,
            Map<Object, String> pointers,
            List<StixObject> objects,
            List<Identifier> identifiers,
            Set<String> victimIdentityIds,
            Set<Integer> preciseLocations,
            Set<String> ambiguousIdentityIds) {}

    private static final List<String> TEXT_PROPERTIES = List.of(
            "name",
            "description",
            "explanation",
            "content",
            "abstract",
            "objective",
            "subject",
            "body",
            "command_line",
            "display_name",
            "context");
    private static final List<String> TEXT_LISTS =
            List.of("labels", "aliases", "roles", "goals", "personal_motivations");
    /** The properties of a user account that identify its holder (the credential is never shared either). */
    private static final List<String> ACCOUNT_PROPERTIES =
            List.of("user_id", "account_login", "display_name", "credential");

    private static final Set<String> TARGETING = Set.of(
            "attack-pattern",
            "campaign",
            "intrusion-set",
            "malware",
            "threat-actor",
            "tool",
            "infrastructure",
            "indicator");
    private static final Set<String> LOCATION_DETAIL =
            Set.of("city", "street_address", "postal_code", "latitude", "longitude", "administrative_area");

    private final StixBundle bundle;
    private final VictimMatcher victim;
    private final Boolean samplesReviewed;
    private final List<Identifier> identifiers = new ArrayList<>();
    /** pointer|kind|found of every identifier, so that a finding is reported once, in constant time. */
    private final Set<String> identifierKeys = new HashSet<>();
    /** The pointers the type-aware scans read; the sweep over every other string skips them. */
    private final Set<String> examined = new HashSet<>();

    /**
     * Properties the sweep over every string does not read: identifiers, references, timestamps,
     * digests, encoded payloads, marking selectors and other values that cannot name anyone.
     */
    private static final Set<String> NOT_TEXT = Set.of(
            "id",
            "type",
            "spec_version",
            "created",
            "modified",
            "revoked",
            "lang",
            "confidence",
            "pattern_type",
            "pattern_version",
            "valid_from",
            "valid_until",
            "first_seen",
            "last_seen",
            "first_observed",
            "last_observed",
            "published",
            "hashes",
            "payload_bin",
            "mime_type",
            "granular_markings",
            "definition_type",
            "extension_type",
            "object_modified",
            "selectors",
            "encryption_algorithm",
            "identity_class",
            "tlp");

    private static final java.util.regex.Pattern HOST_NAME = java.util.regex.Pattern.compile(
            "(?i)(?=.*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+\\.?");
    private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile("(?i)[a-z][a-z0-9+.-]*://\\S+");
    /** The identity classes that name someone; class and system do not. */
    private static final Set<String> NAMED_CLASSES = Set.of("individual", "organization", "group", "unknown");

    private final Map<String, List<StixBundle.Patterns.Comparison>> patterns = new java.util.HashMap<>();
    /** The times read so far, by their text. */
    private final Map<String, OffsetDateTime> times = new java.util.HashMap<>();
    /** What each property name holds: the same names recur in every object. */
    private final Map<String, List<VictimMatcher.Match>> keyFindings = new java.util.HashMap<>();
    /**
     * Identities named like the victim that may be the sharer (see {@link #victimIdentities}):
     * neither generalized nor read as a mention of the victim; IS-7.2 asks which they are.
     */
    private final Set<String> ambiguous = new LinkedHashSet<>();
    /** Pointers of the names of ambiguous identities: not read as text. */
    private final Set<String> unread = new HashSet<>();

    public StixInspector(StixBundle bundle, VictimMatcher victim, Boolean samplesReviewed) {
        this.bundle = bundle;
        this.victim = victim;
        this.samplesReviewed = samplesReviewed;
    }

    public Inspection inspect() {
        List<ObjectNode> objects = bundle.objects();
        Set<String> creators = new HashSet<>();
        for (ObjectNode o : objects) {
            String creator = text(o, "created_by_ref");
            if (creator != null) {
                creators.add(creator);
            }
        }
        Set<String> victimIds = victimIdentities(objects, creators);
        Set<Integer> preciseLocations = preciseVictimLocations(objects, victimIds);

        List<SharedItem> items = new ArrayList<>();
        Map<Object, String> pointers = new IdentityHashMap<>();
        List<StixObject> facts = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            ObjectNode o = objects.get(i);
            String at = StixBundle.ROOT + "/objects/" + i;
            String type = text(o, "type");
            if (type.equals("marking-definition") || type.equals("extension-definition")) {
                // A statement marking ("Copyright (c) <victim> 2024") travels with every object it marks.
                if (!bundle.isTlpMarking(text(o, "id"))) {
                    sweep(o, at, at);
                }
                continue;
            }
            int before = identifiers.size();
            boolean isVictim = type.equals("identity") && victimIds.contains(text(o, "id"));
            boolean isAmbiguous = type.equals("identity") && ambiguous.contains(text(o, "id"));
            if (isAmbiguous) {
                // Its name is the question IS-7.2 asks: not also reported as a mention of the victim.
                unread.add(at + "/name");
                for (int k = 0; k < o.path("aliases").size(); k++) {
                    unread.add(at + "/aliases/" + k);
                }
                examined.addAll(unread);
            }
            if (!isVictim) {
                scanValues(o, type, at);
                scanText(o, at);
                sweep(o, at, at);
            }
            if (preciseLocations.contains(i)) {
                identifiers.add(new Identifier(
                        at, at, IdentifierFlag.QUASI_COMBO, locationSummary(o), Identifier.Source.STIX_LOCATION));
            }
            boolean sightedAtVictim = type.equals("sighting") && sightedAt(o, victimIds);
            StixObject fact = new StixObject(
                    at,
                    type,
                    text(o, "id"),
                    bundle.tlpOf(o),
                    bundle.usesTlp1(o),
                    type.equals("identity") ? text(o, "identity_class") : null,
                    isVictim,
                    isAmbiguous,
                    sightedAtVictim,
                    referencedMaxTlp(o));
            facts.add(fact);
            pointers.put(fact, at);

            Set<IdentifierFlag> flags = new LinkedHashSet<>();
            for (Identifier id : identifiers.subList(before, identifiers.size())) {
                flags.add(id.getKind());
            }
            SharedItem item = item(o, type, category(o, type, isVictim, sightedAtVictim), flags);
            items.add(item);
            pointers.put(item, at);
        }
        for (Identifier id : identifiers) {
            pointers.put(id, id.getPointer());
        }
        return new Inspection(
                items, pointers, facts, List.copyOf(identifiers), victimIds, preciseLocations, Set.copyOf(ambiguous));
    }

    // ------------------------------------------------------------------ who is the victim

    /**
     * The identities that represent the victim. The sharer (the bundle's creators, and an identity
     * named exactly as the requesting organization) is never the victim unless the profile gives
     * its name exactly. An identity whose whole name reads as the victim's name without being the
     * one the profile gives, and that may be the sharer (a creator, or a name that is the sharer's
     * or part of it), is neither: it goes to {@link #ambiguous}. Any other organization, group or
     * person that is not named as the attacker is a victim (fail closed).
     */
    private Set<String> victimIdentities(List<ObjectNode> objects, Set<String> creators) {
        Set<String> ids = new HashSet<>();
        Map<String, ObjectNode> identities = new java.util.HashMap<>();
        for (ObjectNode o : objects) {
            if ("identity".equals(text(o, "type")) && !describesAClass(o)) {
                identities.put(text(o, "id"), o);
            }
        }
        // The sharer: the bundle's creators, and an identity named exactly as the requesting organization.
        Set<String> sharers = new HashSet<>(creators);
        for (ObjectNode identity : identities.values()) {
            if (!namesVictimExactly(identity) && namesRequestingSharer(identity)) {
                sharers.add(text(identity, "id"));
            }
        }
        // A creator whose whole name reads as the victim's ("Example" or "Example Corp" for the victim
        // "Example Corp K.K."), without being the requesting organization's name, may be the sharer
        // (it made the objects) or the victim (it bears its name): it is neither rewritten nor kept
        // silently; the review asks which it is.
        for (ObjectNode identity : identities.values()) {
            String id = text(identity, "id");
            if (creators.contains(id)
                    && !namesVictimExactly(identity)
                    && !namesRequestingSharer(identity)
                    && readsAsVictimName(identity)) {
                ambiguous.add(id);
            }
        }
        // The sharer's names are the sharer's, not mentions of the victim.
        for (ObjectNode o : objects) {
            String id = text(o, "id");
            if ("identity".equals(text(o, "type"))
                    && sharers.contains(id)
                    && !ambiguous.contains(id)
                    && !namesVictimExactly(o)) {
                victim.addSharer(text(o, "name"));
            }
        }
        // Any other identity whose whole name reads as the victim's and is also the sharer's name or
        // part of it ("Example" of "Example SOC K.K.") may be either: asked about too.
        for (ObjectNode identity : identities.values()) {
            String id = text(identity, "id");
            if (!sharers.contains(id)
                    && !namesVictimExactly(identity)
                    && readsAsVictimName(identity)
                    && partOfSharersName(identity)) {
                ambiguous.add(id);
            }
        }
        Set<String> attackers = new HashSet<>();
        for (ObjectNode o : objects) {
            if ("relationship".equals(text(o, "type")) && "attributed-to".equals(text(o, "relationship_type"))) {
                attackers.add(text(o, "target_ref"));
            }
        }
        for (ObjectNode identity : identities.values()) {
            String id = text(identity, "id");
            if (ambiguous.contains(id)) {
                continue;
            }
            if (sharers.contains(id)) {
                // The sharer is never the victim unless the profile names it exactly.
                if (namesVictimExactly(identity)) {
                    ids.add(id);
                }
                continue;
            }
            // Fail closed: an organization or person that neither made the bundle nor is named as the
            // attacker is, as far as the review can tell, a victim, whether or not a profile names it.
            String identityClass = text(identity, "identity_class");
            boolean named = identityClass == null || NAMED_CLASSES.contains(identityClass);
            if (matchesProfile(identity) || (named && !attackers.contains(id))) {
                ids.add(id);
            }
        }
        for (ObjectNode o : objects) {
            String type = text(o, "type");
            if (type.equals("sighting")) {
                for (JsonNode ref : o.path("where_sighted_refs")) {
                    if (identities.containsKey(ref.asString("")) && !ambiguous.contains(ref.asString())) {
                        ids.add(ref.asString());
                    }
                }
            } else if (type.equals("relationship") && "targets".equals(text(o, "relationship_type"))) {
                String target = text(o, "target_ref");
                String sourceType = text(o, "source_ref") == null
                        ? ""
                        : text(o, "source_ref").replaceAll("--.*$", "");
                if (identities.containsKey(target)
                        && TARGETING.contains(sourceType)
                        && !sharers.contains(target)
                        && !ambiguous.contains(target)) {
                    ids.add(target);
                }
            }
        }
        return ids;
    }

    /**
     * An identity that stands for a sector or a class of organizations, not for one: identity_class
     * "class", or "unknown" (or none) with a name made only of sector words ("Financial services
     * organizations in Japan") and nothing that belongs to one organization (contact details, a
     * name the profile gives). Only an identity of a specific organization, group or person can be
     * the victim.
     */
    private boolean describesAClass(ObjectNode identity) {
        String identityClass = text(identity, "identity_class");
        if ("class".equals(identityClass)) {
            return true;
        }
        if (identityClass != null && !"unknown".equals(identityClass)) {
            return false;
        }
        String name = text(identity, "name");
        if (name == null || identity.has("contact_information") || matchesProfile(identity)) {
            return false;
        }
        List<String> words = new ArrayList<>();
        for (String w : name.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return !words.isEmpty()
                && words.stream().allMatch(SECTOR_WORDS::contains)
                && words.stream().anyMatch(w -> !GENERIC_WORDS.contains(w));
    }

    /** The STIX 2.1 industry-sector vocabulary, its words one by one, and their common plain forms. */
    private static final Set<String> SECTOR_VOCABULARY = Set.of(
            "agriculture",
            "aerospace",
            "automotive",
            "chemical",
            "commercial",
            "communications",
            "construction",
            "defense",
            "defence",
            "education",
            "energy",
            "entertainment",
            "financial",
            "services",
            "government",
            "emergency",
            "local",
            "national",
            "public",
            "regional",
            "healthcare",
            "hospitality",
            "leisure",
            "infrastructure",
            "dams",
            "nuclear",
            "water",
            "insurance",
            "manufacturing",
            "mining",
            "non",
            "profit",
            "nonprofit",
            "pharmaceuticals",
            "pharmaceutical",
            "retail",
            "technology",
            "telecommunications",
            "telecom",
            "transportation",
            "utilities",
            "finance",
            "banking",
            "banks",
            "hospitals",
            "universities",
            "logistics",
            "media",
            "legal",
            "critical",
            "semiconductor",
            "semiconductors",
            "manufacturers",
            "retailers",
            "insurers",
            "research",
            "academia",
            "academic");
    /** Words a sector-only name is made of besides sector words. */
    private static final Set<String> GENERIC_WORDS = Set.of(
            "sector",
            "sectors",
            "industry",
            "industries",
            "organization",
            "organizations",
            "organisation",
            "organisations",
            "companies",
            "company",
            "firms",
            "entities",
            "businesses",
            "providers",
            "operators",
            "victims",
            "targets",
            "and",
            "of",
            "in",
            "the",
            "a",
            "an",
            "multiple",
            "various",
            "several",
            "other",
            "japanese",
            "japan",
            "global",
            "worldwide",
            "european",
            "asian",
            "us",
            "east",
            "asia",
            "europe",
            "small",
            "medium",
            "large",
            "enterprises",
            "private");

    private static final Set<String> SECTOR_WORDS = union(SECTOR_VOCABULARY, GENERIC_WORDS);

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private boolean namesVictimExactly(ObjectNode identity) {
        if (victim.namesExactly(text(identity, "name"))) {
            return true;
        }
        for (JsonNode alias : identity.path("aliases")) {
            if (victim.namesExactly(alias.asString(""))) {
                return true;
            }
        }
        return false;
    }

    private boolean namesRequestingSharer(ObjectNode identity) {
        if (victim.namesRequestingSharer(text(identity, "name"))) {
            return true;
        }
        for (JsonNode alias : identity.path("aliases")) {
            if (victim.namesRequestingSharer(alias.asString(""))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the identity's name (or an alias), as a whole, reads as a name of the victim the profile does not give exactly. */
    private boolean readsAsVictimName(ObjectNode identity) {
        if (victim.readsAsVictimName(text(identity, "name"))) {
            return true;
        }
        for (JsonNode alias : identity.path("aliases")) {
            if (victim.readsAsVictimName(alias.asString(""))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the identity's name (or an alias) is a name of the sharer or a run of its words. */
    private boolean partOfSharersName(ObjectNode identity) {
        if (victim.partOfSharersName(text(identity, "name"))) {
            return true;
        }
        for (JsonNode alias : identity.path("aliases")) {
            if (victim.partOfSharersName(alias.asString(""))) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesProfile(ObjectNode identity) {
        List<String> texts = new ArrayList<>();
        texts.add(text(identity, "name"));
        identity.path("aliases").forEach(a -> texts.add(a.asString("")));
        texts.add(text(identity, "contact_information"));
        for (String t : texts) {
            if (t != null
                    && !victim.inText(t).stream()
                            .filter(m -> m.kind() != IdentifierFlag.FILE_PATH_WITH_NAME)
                            .toList()
                            .isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private Set<Integer> preciseVictimLocations(List<ObjectNode> objects, Set<String> victimIds) {
        Set<String> locationIds = new HashSet<>();
        for (ObjectNode o : objects) {
            String type = text(o, "type");
            if (type.equals("relationship")
                    && "located-at".equals(text(o, "relationship_type"))
                    && victimIds.contains(text(o, "source_ref"))) {
                locationIds.add(text(o, "target_ref"));
            } else if (type.equals("sighting")) {
                o.path("where_sighted_refs").forEach(r -> {
                    if (r.asString("").startsWith("location--")) {
                        locationIds.add(r.asString());
                    }
                });
            }
        }
        Set<Integer> precise = new HashSet<>();
        for (String id : locationIds) {
            for (int i : bundle.indicesOf(id)) {
                ObjectNode location = objects.get(i);
                if (LOCATION_DETAIL.stream().anyMatch(location::has)) {
                    precise.add(i);
                }
            }
        }
        return precise;
    }

    private static boolean sightedAt(ObjectNode sighting, Set<String> victimIds) {
        for (JsonNode ref : sighting.path("where_sighted_refs")) {
            if (victimIds.contains(ref.asString(""))) {
                return true;
            }
        }
        return false;
    }

    private TlpLevel referencedMaxTlp(ObjectNode o) {
        TlpLevel max = null;
        for (JsonNode ref : o.path("object_refs")) {
            for (int i : bundle.indicesOf(ref.asString(""))) {
                max = Tlp.max(max, bundle.tlpOf(bundle.objects().get(i)));
            }
        }
        return max;
    }

    // ------------------------------------------------------------------ values and text

    private void scanValues(ObjectNode o, String type, String at) {
        switch (type) {
            case "indicator" -> {
                String pattern = text(o, "pattern");
                if (pattern == null) {
                    return;
                }
                examined.add(at + "/pattern");
                if ("stix".equals(text(o, "pattern_type"))) {
                    for (StixBundle.Patterns.Comparison c : comparisons(pattern)) {
                        classifyObservable(c.objectType(), c.path(), c.literal(), at + "/pattern", at);
                    }
                } else {
                    for (VictimMatcher.Match m : victim.addressesIn(pattern)) {
                        add(at + "/pattern", at, m.kind(), m.found(), Identifier.Source.STIX_VALUE);
                    }
                    textMatches(pattern, at + "/pattern", at, Identifier.Source.STIX_VALUE);
                }
            }
            case "ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "directory" -> {
                String property = type.equals("directory") ? "path" : "value";
                examined.add(at + "/" + property);
                classifyObservable(type, property, text(o, property), at + "/" + property, at);
            }
            case "user-account" -> {
                for (String p : ACCOUNT_PROPERTIES) {
                    if (o.has(p)) {
                        examined.add(at + "/" + p);
                        add(at + "/" + p, at, IdentifierFlag.ACCOUNT, text(o, p), Identifier.Source.STIX_VALUE);
                    }
                }
                if (ACCOUNT_PROPERTIES.stream().noneMatch(o::has)) {
                    add(at, at, IdentifierFlag.ACCOUNT, text(o, "id"), Identifier.Source.STIX_VALUE);
                }
            }
            case "artifact" -> {
                examined.add(at + "/url");
                classifyObservable("url", "url", text(o, "url"), at + "/url", at);
            }
            case "x509-certificate" -> {
                for (String p : List.of("subject", "issuer")) {
                    examined.add(at + "/" + p);
                    classifyObservable(type, p, text(o, p), at + "/" + p, at);
                }
            }
            case "file" -> {
                String name = text(o, "name");
                if (name != null) {
                    examined.add(at + "/name");
                    textMatches(name, at + "/name", at, Identifier.Source.STIX_VALUE);
                }
            }
            default -> {}
        }
    }

    /** The comparisons of a STIX pattern, read once per pattern (the values and the category both need them). */
    private List<StixBundle.Patterns.Comparison> comparisons(String pattern) {
        return patterns.computeIfAbsent(pattern, p -> List.copyOf(StixBundle.Patterns.comparisons(p)));
    }

    /** Classifies one observed value by the object type and property it belongs to. */
    private void classifyObservable(
            String objectType, String path, String value, String pointer, String objectPointer) {
        if (value == null || value.isBlank()) {
            return;
        }
        String property = lastStep(path);
        if (path.contains("_ref")) {
            // domain-name:resolves_to_refs[*].value = '198.51.100.7': the value belongs to the referenced object.
            byShape(value, pointer, objectPointer);
            return;
        }
        switch (objectType) {
            case "ipv4-addr", "ipv6-addr" -> address(value, pointer, objectPointer);
            case "domain-name" -> byShape(value, pointer, objectPointer);
            case "url" -> {
                String host = VictimMatcher.hostOf(value);
                if (victim.classifyAddress(host) != null) {
                    address(host, pointer, objectPointer);
                } else {
                    domain(host, pointer, objectPointer, false);
                }
                textMatches(
                        value.substring(Math.min(value.length(), value.indexOf(host) + host.length())),
                        pointer,
                        objectPointer,
                        Identifier.Source.STIX_VALUE);
            }
            case "email-addr", "email-message" -> {
                int at = value.lastIndexOf('@');
                if (at >= 0) {
                    domain(value.substring(at + 1), pointer, objectPointer, true);
                } else {
                    textMatches(value, pointer, objectPointer, Identifier.Source.STIX_VALUE);
                }
            }
            case "network-traffic" -> {
                if (victim.classifyAddress(value) != null) {
                    address(value, pointer, objectPointer);
                } else if (value.contains(".")) {
                    domain(value, pointer, objectPointer, false);
                }
            }
            case "user-account" -> {
                if (ACCOUNT_PROPERTIES.contains(property)) {
                    add(pointer, objectPointer, IdentifierFlag.ACCOUNT, value, Identifier.Source.STIX_VALUE);
                } else {
                    textMatches(value, pointer, objectPointer, Identifier.Source.STIX_VALUE);
                }
            }
            case "x509-certificate" -> {
                if (property.equals("subject") || property.equals("issuer") || path.contains("subject")) {
                    for (VictimMatcher.Match m : victim.inText(value)) {
                        add(
                                pointer,
                                objectPointer,
                                IdentifierFlag.CERT_SUBJECT,
                                m.found(),
                                Identifier.Source.STIX_VALUE);
                    }
                }
            }
            case "directory", "file", "process" ->
                textMatches(value, pointer, objectPointer, Identifier.Source.STIX_VALUE);
            default -> textMatches(value, pointer, objectPointer, Identifier.Source.STIX_VALUE);
        }
    }

    /**
     * What {@code path.replaceAll("^.*\\.", "")} gives: the part after the last dot, found without
     * a regular expression when no line terminator (which {@code .} does not match) is in the way.
     */
    static String lastStep(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return path.replaceAll("^.*\\.", "");
            }
        }
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private void address(String value, String pointer, String objectPointer) {
        IdentifierFlag kind = victim.classifyAddress(value);
        if (kind != null) {
            add(pointer, objectPointer, kind, value, Identifier.Source.STIX_VALUE);
        }
    }

    private void domain(String value, String pointer, String objectPointer, boolean email) {
        IdentifierFlag kind = victim.classifyDomain(value);
        if (kind == IdentifierFlag.VICTIM_DOMAIN && email) {
            kind = IdentifierFlag.EMAIL;
        }
        if (kind != null) {
            add(pointer, objectPointer, kind, value, Identifier.Source.STIX_VALUE);
        }
    }

    private void scanText(ObjectNode o, String at) {
        for (String p : TEXT_PROPERTIES) {
            String t = text(o, p);
            if (t != null && !(p.equals("name") && isObservableName(o)) && !unread.contains(at + "/" + p)) {
                examined.add(at + "/" + p);
                textMatches(t, at + "/" + p, at, Identifier.Source.STIX_TEXT);
            }
        }
        for (String p : TEXT_LISTS) {
            JsonNode list = o.path(p);
            for (int k = 0; k < list.size(); k++) {
                if (unread.contains(at + "/" + p + "/" + k)) {
                    continue;
                }
                examined.add(at + "/" + p + "/" + k);
                textMatches(list.get(k).asString(""), at + "/" + p + "/" + k, at, Identifier.Source.STIX_TEXT);
            }
        }
        JsonNode refs = o.path("external_references");
        for (int k = 0; k < refs.size(); k++) {
            JsonNode ref = refs.get(k);
            for (String p : List.of("source_name", "description", "external_id")) {
                if (ref.path(p).isString()) {
                    examined.add(at + "/external_references/" + k + "/" + p);
                    textMatches(
                            ref.path(p).asString(),
                            at + "/external_references/" + k + "/" + p,
                            at,
                            Identifier.Source.STIX_TEXT);
                }
            }
            if (ref.path("url").isString()) {
                String url = ref.path("url").asString();
                String pointer = at + "/external_references/" + k + "/url";
                examined.add(pointer);
                IdentifierFlag kind = victim.classifyDomain(VictimMatcher.hostOf(url));
                if (kind == IdentifierFlag.VICTIM_DOMAIN) {
                    add(pointer, at, kind, url, Identifier.Source.STIX_TEXT);
                } else {
                    textMatches(url, pointer, at, Identifier.Source.STIX_TEXT);
                }
            }
        }
    }

    private static boolean isObservableName(ObjectNode o) {
        return "file".equals(o.path("type").asString(""));
    }

    private void textMatches(String text, String pointer, String objectPointer, Identifier.Source source) {
        for (VictimMatcher.Match m : source == Identifier.Source.STIX_TEXT ? victim.allIn(text) : victim.inText(text)) {
            add(pointer, objectPointer, m.kind(), m.found(), source);
        }
    }

    private void add(
            String pointer, String objectPointer, IdentifierFlag kind, String found, Identifier.Source source) {
        String value = found == null ? "" : found;
        if (identifierKeys.add(pointer + '\u0000' + kind + '\u0000' + value)) {
            identifiers.add(new Identifier(pointer, objectPointer, kind, value, source));
        }
    }

    /** Victim values in a property name: the property is renamed in the sanitized bundle. */
    private void keyMatches(String key, String pointer, String objectPointer) {
        for (VictimMatcher.Match m : keyFindings(key)) {
            if (identifierKeys.add("name\u0000" + pointer + '\u0000' + m.kind() + '\u0000' + m.found())) {
                identifiers.add(
                        new Identifier(pointer, objectPointer, m.kind(), m.found(), Identifier.Source.STIX_TEXT, true));
            }
        }
    }

    /** What a property name holds (nothing without a profile). */
    private List<VictimMatcher.Match> keyFindings(String key) {
        if (key.isEmpty() || !victim.profiled()) {
            return List.of();
        }
        List<VictimMatcher.Match> found = keyFindings.get(key);
        if (found == null) {
            found = victim.allIn(key);
            keyFindings.put(key, found);
        }
        return found;
    }

    /**
     * Reads every string of an object that the type-aware scans did not: custom ({@code x_})
     * properties, extensions, e-mail headers, translations, statement markings, the objects of
     * observed-data, anything a producer put there. A string that is a host name or a URL is also
     * judged as one (look-alikes, the victim's internal names).
     */
    private void sweep(JsonNode node, String pointer, String objectPointer) {
        if (node instanceof ObjectNode obj) {
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                String key = e.getKey();
                String child = null;
                // Property names are strings of the bundle too: x_<brand>_owner, X-<Brand>-Tenant, {"<address>": …}.
                if (!keyFindings(key).isEmpty()) {
                    child = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
                    keyMatches(key, child, objectPointer);
                }
                if (NOT_TEXT.contains(key) || key.endsWith("_ref") || key.endsWith("_refs")) {
                    continue;
                }
                JsonNode value = e.getValue();
                if (value == null || !(value.isContainer() || value.isString())) {
                    continue;
                }
                if (child == null) {
                    child = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
                }
                sweep(value, child, objectPointer);
            }
        } else if (node != null && node.isArray()) {
            for (int k = 0; k < node.size(); k++) {
                sweep(node.get(k), pointer + "/" + k, objectPointer);
            }
        } else if (node != null && node.isString() && !examined.contains(pointer)) {
            String value = node.asString();
            int before = identifiers.size();
            textMatches(value, pointer, objectPointer, Identifier.Source.STIX_TEXT);
            if (identifiers.size() == before) {
                String candidate = value.strip();
                // Neither pattern can match without "://" (a URL) or outside letters, digits, dots and hyphens with a
                // dot (a host name): most strings are prose, and are not run through either.
                if (candidate.contains("://") && URL.matcher(candidate).matches()) {
                    String host = VictimMatcher.hostOf(candidate);
                    IdentifierFlag kind = victim.classifyAddress(host) != null
                            ? victim.classifyAddress(host)
                            : victim.classifyDomain(host);
                    if (kind != null) {
                        add(pointer, objectPointer, kind, host, Identifier.Source.STIX_TEXT);
                    }
                } else if (candidate.length() <= 253
                        && mayBeHostName(candidate)
                        && HOST_NAME.matcher(candidate).matches()) {
                    IdentifierFlag kind = victim.classifyDomain(candidate);
                    if (kind != null) {
                        add(pointer, objectPointer, kind, candidate, Identifier.Source.STIX_TEXT);
                    }
                }
            }
        }
    }

    /** Whether a text is made only of the characters of {@link #HOST_NAME} and has a dot, as its every match does. */
    private static boolean mayBeHostName(String text) {
        boolean dot = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') {
                dot = true;
            } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return dot;
    }

    /** Judges a value by what it looks like: an address, an e-mail address, a host name, or text. */
    private void byShape(String value, String pointer, String objectPointer) {
        if (victim.classifyAddress(value) != null) {
            address(value, pointer, objectPointer);
        } else if (value.indexOf('@') > 0) {
            domain(value.substring(value.lastIndexOf('@') + 1), pointer, objectPointer, true);
        } else if (HOST_NAME.matcher(value.strip()).matches()) {
            domain(value.strip(), pointer, objectPointer, false);
        } else {
            textMatches(value, pointer, objectPointer, Identifier.Source.STIX_VALUE);
        }
    }

    private static String locationSummary(ObjectNode location) {
        List<String> parts = new ArrayList<>();
        for (String p : List.of("street_address", "city", "postal_code", "administrative_area")) {
            if (location.path(p).isString()) {
                parts.add(location.path(p).asString());
            }
        }
        if (location.has("latitude")) {
            parts.add(location.path("latitude").asString() + ","
                    + location.path("longitude").asString());
        }
        return String.join(", ", parts);
    }

    // ------------------------------------------------------------------ items

    private ItemCategory category(ObjectNode o, String type, boolean isVictim, boolean sightedAtVictim) {
        if (type.startsWith("x-") || StixBundle.definedByExtension(type)) {
            // Custom objects, and the new types of extension definitions: no one can say what they hold.
            return ItemCategory.UNCLASSIFIED;
        }
        return switch (type) {
            case "indicator" -> indicatorCategory(o);
            case "infrastructure" ->
                containsText(o.path("infrastructure_types"), "command-and-control")
                        ? ItemCategory.C2_DESTINATION
                        : ItemCategory.ATTACK_INFRA;
            case "malware", "malware-analysis" -> ItemCategory.MALWARE_FAMILY;
            case "artifact" -> ItemCategory.MALWARE_SAMPLE;
            case "file" -> o.has("hashes") ? ItemCategory.MALWARE_HASH : ItemCategory.TTP;
            case "vulnerability" -> ItemCategory.EXPLOITED_VULN;
            case "attack-pattern",
                    "course-of-action",
                    "process",
                    "mutex",
                    "windows-registry-key",
                    "software",
                    "directory",
                    "mac-addr" -> ItemCategory.TTP;
            case "tool" -> ItemCategory.TOOL;
            case "intrusion-set", "threat-actor", "campaign" -> ItemCategory.THREAT_ACTOR;
            case "identity" -> isVictim ? ItemCategory.VICTIM_IDENTITY : ItemCategory.CONTEXT;
            case "sighting" -> sightedAtVictim ? ItemCategory.SIGHTING : ItemCategory.PREVALENCE;
            case "incident" -> ItemCategory.DAMAGE_DETAIL;
            case "ipv4-addr", "ipv6-addr", "domain-name", "url", "network-traffic", "autonomous-system" ->
                ItemCategory.C2_DESTINATION;
            case "email-addr", "email-message" -> ItemCategory.PHISHING_FEATURE;
            case "user-account" -> ItemCategory.VICTIM_IDENTITY;
            case "x509-certificate" -> ItemCategory.ATTACK_INFRA;
            default -> ItemCategory.CONTEXT;
        };
    }

    private ItemCategory indicatorCategory(ObjectNode o) {
        String pattern = o.path("pattern").asString("");
        if (!"stix".equals(o.path("pattern_type").asString(""))) {
            return ItemCategory.ATTACK_INFRA;
        }
        Set<String> types = new HashSet<>();
        for (StixBundle.Patterns.Comparison c : comparisons(pattern)) {
            types.add(c.objectType());
        }
        if (types.contains("file") || types.contains("artifact")) return ItemCategory.MALWARE_HASH;
        if (types.contains("email-addr") || types.contains("email-message")) return ItemCategory.PHISHING_FEATURE;
        if (types.stream()
                .anyMatch(t -> Set.of("ipv4-addr", "ipv6-addr", "domain-name", "url", "network-traffic")
                        .contains(t))) {
            return ItemCategory.C2_DESTINATION;
        }
        if (types.stream()
                .anyMatch(
                        t -> Set.of("process", "mutex", "windows-registry-key").contains(t))) return ItemCategory.TTP;
        return ItemCategory.ATTACK_INFRA;
    }

    private SharedItem item(ObjectNode o, String type, ItemCategory category, Set<IdentifierFlag> flags) {
        SharedItem item = new SharedItem()
                .id(text(o, "id"))
                .category(category)
                .value(firstText(o, "pattern", "value", "name", "path", "payload_bin"))
                .description(text(o, "description"))
                .identifierFlags(flags)
                .confidence(
                        o.path("confidence").isIntegralNumber()
                                        && o.path("confidence").canConvertToInt()
                                ? o.path("confidence").asInt()
                                : null)
                .firstSeen(time(o, "valid_from", "first_seen", "first_observed"))
                .lastSeen(time(o, "last_seen", "last_observed"))
                .validUntil(time(o, "valid_until"))
                .killChainPhase(
                        o.path("kill_chain_phases").path(0).path("phase_name").asString(null));
        if (category == ItemCategory.MALWARE_SAMPLE || category == ItemCategory.MALWARE_CONFIG) {
            item.embeddedDataReviewed(samplesReviewed);
        }
        return item;
    }

    // ------------------------------------------------------------------ JSON helpers

    static String text(JsonNode o, String property) {
        JsonNode v = o.get(property);
        return v != null && v.isString() ? v.asString() : null;
    }

    private static String firstText(JsonNode o, String... properties) {
        for (String p : properties) {
            String t = text(o, p);
            if (t != null) {
                return t.length() > 1000 ? t.substring(0, 1000) : t;
            }
        }
        return null;
    }

    private OffsetDateTime time(JsonNode o, String... properties) {
        for (String p : properties) {
            String t = text(o, p);
            if (t != null) {
                // A bundle's objects share a few times; each is parsed once (the result is immutable).
                return times.computeIfAbsent(t, OffsetDateTime::parse);
            }
        }
        return null;
    }

    private static boolean containsText(JsonNode list, String value) {
        for (JsonNode n : list) {
            if (value.equals(n.asString(""))) {
                return true;
            }
        }
        return false;
    }
}
