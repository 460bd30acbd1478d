package io.kakunin.kb.sharing;

import io.kakunin.api.model.TlpLevel;
import io.kakunin.kb.input.InvalidFactsException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A validated STIX 2.1 bundle: the checks a receiving platform makes (bundle type and ID,
 * object types, identifier format, spec_version, the properties the review reads, timestamps,
 * pattern syntax, and references that resolve), each failure named by JSON Pointer and the
 * object's ID. A bundle that passes can be inspected and sanitized safely.
 */
public final class StixBundle {

    /** Where the bundle sits in the request. */
    static final String ROOT = "/stix";

    static final Set<String> SDO = Set.of(
            "attack-pattern",
            "campaign",
            "course-of-action",
            "grouping",
            "identity",
            "incident",
            "indicator",
            "infrastructure",
            "intrusion-set",
            "location",
            "malware",
            "malware-analysis",
            "note",
            "observed-data",
            "opinion",
            "report",
            "threat-actor",
            "tool",
            "vulnerability");
    static final Set<String> SRO = Set.of("relationship", "sighting");
    static final Set<String> SCO = Set.of(
            "artifact",
            "autonomous-system",
            "directory",
            "domain-name",
            "email-addr",
            "email-message",
            "file",
            "ipv4-addr",
            "ipv6-addr",
            "mac-addr",
            "mutex",
            "network-traffic",
            "process",
            "software",
            "url",
            "user-account",
            "windows-registry-key",
            "x509-certificate");
    static final Set<String> META = Set.of("marking-definition", "language-content", "extension-definition");

    static final Pattern ID = Pattern.compile(
            "([a-z0-9][a-z0-9-]*[a-z0-9])--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9-]{1,248}[a-z0-9]");

    /** Properties a type must have beyond the common ones, for the review to read it safely. */
    private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("indicator", List.of("pattern", "pattern_type", "valid_from")),
            Map.entry("malware", List.of("is_family")),
            Map.entry("identity", List.of("name")),
            Map.entry("relationship", List.of("relationship_type", "source_ref", "target_ref")),
            Map.entry("sighting", List.of("sighting_of_ref")),
            Map.entry("report", List.of("name", "published", "object_refs")),
            Map.entry("note", List.of("content", "object_refs")),
            Map.entry("opinion", List.of("opinion", "object_refs")),
            Map.entry("grouping", List.of("context", "object_refs")),
            Map.entry("observed-data", List.of("first_observed", "last_observed", "number_observed")),
            Map.entry("attack-pattern", List.of("name")),
            Map.entry("campaign", List.of("name")),
            Map.entry("course-of-action", List.of("name")),
            Map.entry("intrusion-set", List.of("name")),
            Map.entry("threat-actor", List.of("name")),
            Map.entry("tool", List.of("name")),
            Map.entry("vulnerability", List.of("name")),
            Map.entry("infrastructure", List.of("name")),
            Map.entry("ipv4-addr", List.of("value")),
            Map.entry("ipv6-addr", List.of("value")),
            Map.entry("domain-name", List.of("value")),
            Map.entry("url", List.of("value")),
            Map.entry("email-addr", List.of("value")),
            Map.entry("mac-addr", List.of("value")),
            Map.entry("mutex", List.of("name")),
            Map.entry("directory", List.of("path")),
            Map.entry("autonomous-system", List.of("number")),
            Map.entry("software", List.of("name")));

    private static final Set<String> TIMESTAMPS = Set.of(
            "created",
            "modified",
            "valid_from",
            "valid_until",
            "first_seen",
            "last_seen",
            "first_observed",
            "last_observed",
            "published");

    private final ObjectNode root;
    private final List<ObjectNode> objects;
    private final Map<String, List<Integer>> byId;
    private final Map<String, TlpLevel> tlpMarkings;

    private StixBundle(
            ObjectNode root,
            List<ObjectNode> objects,
            Map<String, List<Integer>> byId,
            Map<String, TlpLevel> tlpMarkings) {
        this.root = root;
        this.objects = objects;
        this.byId = byId;
        this.tlpMarkings = tlpMarkings;
    }

    /**
     * Validates a bundle.
     *
     * @param node      the bundle as JSON
     * @param maxObjects how many objects the bundle may hold
     * @throws InvalidFactsException naming every problem by pointer and object ID
     */
    public static StixBundle read(JsonNode node, int maxObjects) {
        List<InvalidFactsException.Problem> problems = new ArrayList<>();
        if (!(node instanceof ObjectNode root)) {
            throw invalid(ROOT, "a STIX bundle must be a JSON object");
        }
        if (!"bundle".equals(root.path("type").asString(null))) {
            problems.add(new InvalidFactsException.Problem(ROOT + "/type", "must be \"bundle\""));
        }
        String bundleId = root.path("id").asString(null);
        if (bundleId == null || !isIdentifier(bundleId) || !bundleId.startsWith("bundle--")) {
            problems.add(
                    new InvalidFactsException.Problem(ROOT + "/id", "must be a bundle identifier (bundle--<UUID>)"));
        }
        JsonNode list = root.get("objects");
        if (list == null || !list.isArray()) {
            problems.add(new InvalidFactsException.Problem(ROOT + "/objects", "must be an array of STIX objects"));
            throw new InvalidFactsException(problems);
        }
        if (list.size() > maxObjects) {
            throw invalid(
                    ROOT + "/objects", "holds " + list.size() + " objects; at most " + maxObjects + " are accepted");
        }
        List<ObjectNode> objects = new ArrayList<>(list.size());
        Map<String, List<Integer>> byId = new HashMap<>(list.size() * 4 / 3 + 1);
        for (int i = 0; i < list.size(); i++) {
            String at = ROOT + "/objects/" + i;
            JsonNode o = list.get(i);
            if (!(o instanceof ObjectNode obj)) {
                problems.add(new InvalidFactsException.Problem(at, "must be a JSON object"));
                objects.add(null);
                continue;
            }
            objects.add(obj);
            checkObject(obj, at, problems);
            String id = obj.path("id").asString(null);
            if (id != null) {
                byId.computeIfAbsent(id, k -> new ArrayList<>(1)).add(i);
            }
        }
        for (Map.Entry<String, List<Integer>> e : byId.entrySet()) {
            if (e.getValue().size() == 1) {
                continue;
            }
            // Versions of one object share an ID and differ in modified (STIX 2.1 section 3.6); the same version twice
            // is a mistake.
            Map<String, Integer> versions = new HashMap<>();
            for (int i : e.getValue()) {
                JsonNode modified = objects.get(i).get("modified");
                if (modified != null && versions.putIfAbsent(modified.asString(""), i) != null) {
                    problems.add(new InvalidFactsException.Problem(
                            ROOT + "/objects/" + i,
                            e.getKey() + ": the same version (modified " + abbreviate(modified.asString(""))
                                    + ") appears twice, also at " + ROOT + "/objects/"
                                    + versions.get(modified.asString(""))));
                }
            }
        }
        if (problems.isEmpty()
                && objects.stream()
                        .allMatch(o -> o != null && o.path("type").asString("").equals("marking-definition"))) {
            problems.add(new InvalidFactsException.Problem(ROOT + "/objects", "holds nothing to share"));
        }
        Map<String, TlpLevel> tlpMarkings = new LinkedHashMap<>();
        for (int i = 0; i < objects.size(); i++) {
            ObjectNode o = objects.get(i);
            if (o != null && "marking-definition".equals(o.path("type").asString(""))) {
                TlpLevel level = Tlp.isOfficialTlpId(o.path("id").asString(""))
                        ? Tlp.levelOfOfficialId(o.path("id").asString(""))
                        : Tlp.levelOfDefinition(o);
                if (level != null) {
                    tlpMarkings.put(o.path("id").asString(), level);
                }
            }
        }
        if (problems.isEmpty()) {
            for (int i = 0; i < objects.size(); i++) {
                checkReferences(
                        objects.get(i),
                        ROOT + "/objects/" + i,
                        objects.get(i).path("id").asString(),
                        byId,
                        problems);
            }
        }
        if (problems.isEmpty()) {
            checkCycles(objects, byId, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidFactsException(problems);
        }
        return new StixBundle(root, List.copyOf(objects), byId, tlpMarkings);
    }

    private static void checkObject(ObjectNode o, String at, List<InvalidFactsException.Problem> problems) {
        String type = o.path("type").asString(null);
        String id = o.path("id").asString(null);
        String who = id != null ? id : "object " + at.substring(at.lastIndexOf('/') + 1);
        // STIX's own types all have the shape TYPE asks for; only other names are matched.
        boolean known =
                type != null && (SDO.contains(type) || SRO.contains(type) || SCO.contains(type) || META.contains(type));
        if (type == null || (!known && !TYPE.matcher(type).matches())) {
            problems.add(new InvalidFactsException.Problem(at + "/type", who + ": type is missing or malformed"));
            return;
        }
        boolean custom = type.startsWith("x-") || newTypeExtension(o) != null;
        if (!custom && !SDO.contains(type) && !SRO.contains(type) && !SCO.contains(type) && !META.contains(type)) {
            problems.add(
                    new InvalidFactsException.Problem(
                            at + "/type",
                            who + ": '" + type
                                    + "' is not a STIX 2.1 object type; a new type must be declared by an extension definition"
                                    + " (extensions: {\"extension-definition--…\": {\"extension_type\": \"new-sdo\"}}), or start with 'x-'"));
            return;
        }
        if (id == null || !isIdentifier(id) || !id.startsWith(type + "--")) {
            problems.add(new InvalidFactsException.Problem(at + "/id", who + ": id must be '" + type + "--<UUID>'"));
        }
        JsonNode spec = o.get("spec_version");
        boolean needsSpec = !SCO.contains(type);
        if ((needsSpec && spec == null) || (spec != null && !"2.1".equals(spec.asString(null)))) {
            problems.add(new InvalidFactsException.Problem(
                    at + "/spec_version",
                    who + ": spec_version must be \"2.1\""
                            + (spec != null ? ", was " + abbreviate(spec.toString()) : "")));
        }
        if (SDO.contains(type)
                || SRO.contains(type)
                || type.equals("language-content")
                || type.equals("extension-definition")
                || (custom && spec != null)) {
            for (String p : List.of("created", "modified")) {
                if (!o.has(p)) {
                    problems.add(new InvalidFactsException.Problem(at + "/" + p, who + ": " + p + " is required"));
                }
            }
        }
        if (type.equals("marking-definition") && !o.has("created")) {
            problems.add(new InvalidFactsException.Problem(at + "/created", who + ": created is required"));
        }
        for (String p : REQUIRED.getOrDefault(type, List.of())) {
            JsonNode v = o.get(p);
            if (v == null || v.isNull() || (v.isString() && v.asString().isBlank()) || (v.isArray() && v.isEmpty())) {
                problems.add(new InvalidFactsException.Problem(at + "/" + p, who + ": " + p + " is required"));
            }
        }
        for (String p : TIMESTAMPS) {
            JsonNode v = o.get(p);
            if (v != null && !isTimestamp(v)) {
                problems.add(new InvalidFactsException.Problem(
                        at + "/" + p,
                        who + ": " + p + " must be an RFC 3339 timestamp, was " + abbreviate(v.toString())));
            }
        }
        if (type.equals("indicator")
                && "stix".equals(o.path("pattern_type").asString(""))
                && o.path("pattern").isString()) {
            String error = Patterns.syntaxError(o.path("pattern").asString());
            if (error != null) {
                problems.add(new InvalidFactsException.Problem(
                        at + "/pattern", who + ": the STIX pattern is malformed: " + error));
            }
        }
        // The whole numbers STIX 2.1 bounds (sections 3.2, 4.10, 4.13); JSON may carry any number.
        checkWholeNumber(o, "confidence", 0, 100, at, who, problems);
        if (type.equals("sighting")) {
            checkWholeNumber(o, "count", 0, 999_999_999, at, who, problems);
        }
        if (type.equals("observed-data")) {
            checkWholeNumber(o, "number_observed", 1, 999_999_999, at, who, problems);
        }
    }

    /**
     * Whether a reference must resolve inside the bundle. Who made an object ({@code created_by_ref})
     * and custom references ({@code x_..._ref}) may name objects the bundle does not carry, as feeds
     * commonly do (every MITRE ATT&CK object names MITRE's identity); what the review must read to
     * judge the share (relationships, sightings, contents, markings) must be there.
     */
    private static boolean mayPointOutside(String key) {
        return key.equals("created_by_ref") || key.startsWith("x_");
    }

    private static void checkReferences(
            JsonNode node,
            String at,
            String owner,
            Map<String, List<Integer>> byId,
            List<InvalidFactsException.Problem> problems) {
        if (node instanceof ObjectNode obj) {
            if ("observed-data".equals(obj.path("type").asString(""))
                    && obj.get("objects") instanceof ObjectNode local) {
                checkLocalReferences(local, at + "/objects", owner, problems);
            }
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                String key = e.getKey();
                JsonNode v = e.getValue();
                if (key.equals("objects")
                        && "observed-data".equals(obj.path("type").asString(""))) {
                    continue;
                }
                // The pointer is written only for a problem or a nested value: most properties are neither.
                if (key.endsWith("_ref") && !key.equals("id")) {
                    if (v.isString() && byId.containsKey(v.asString())) {
                        // an object of the bundle, whose ID was checked with it
                        continue;
                    }
                    if (!(mayPointOutside(key) && v.isString() && isIdentifier(v.asString()))) {
                        String problem = referenceProblem(v, owner, byId);
                        if (problem != null) {
                            problems.add(new InvalidFactsException.Problem(child(at, key), problem));
                        }
                    }
                } else if (key.endsWith("_refs")) {
                    if (!v.isArray()) {
                        problems.add(new InvalidFactsException.Problem(
                                child(at, key), owner + ": " + key + " must be a list of identifiers"));
                    } else {
                        for (int i = 0; i < v.size(); i++) {
                            if (v.get(i).isString() && byId.containsKey(v.get(i).asString())) {
                                continue;
                            }
                            if (!(mayPointOutside(key)
                                    && v.get(i).isString()
                                    && isIdentifier(v.get(i).asString()))) {
                                String problem = referenceProblem(v.get(i), owner, byId);
                                if (problem != null) {
                                    problems.add(new InvalidFactsException.Problem(child(at, key) + "/" + i, problem));
                                }
                            }
                        }
                    }
                } else if (v.isContainer()) {
                    checkReferences(v, child(at, key), owner, byId, problems);
                }
            }
        } else if (node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkReferences(node.get(i), at + "/" + i, owner, byId, problems);
            }
        }
    }

    /**
     * The deprecated {@code objects} of observed-data (STIX 2.1 section 4.13): cyber-observables keyed
     * "0", "1", ..., whose references name those keys, not identifiers.
     */
    private static void checkLocalReferences(
            ObjectNode local, String at, String owner, List<InvalidFactsException.Problem> problems) {
        for (Map.Entry<String, JsonNode> entry : local.properties()) {
            String where = at + "/" + entry.getKey().replace("~", "~0").replace("/", "~1");
            if (!(entry.getValue() instanceof ObjectNode observable)
                    || !observable.path("type").isString()) {
                problems.add(new InvalidFactsException.Problem(
                        where, owner + ": each entry of objects must be a cyber-observable with a type"));
                continue;
            }
            checkLocalReferenceValues(observable, where, local, owner, problems);
        }
    }

    private static void checkLocalReferenceValues(
            JsonNode node, String at, ObjectNode local, String owner, List<InvalidFactsException.Problem> problems) {
        if (node instanceof ObjectNode obj) {
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                String key = e.getKey();
                String where = at + "/" + key.replace("~", "~0").replace("/", "~1");
                JsonNode v = e.getValue();
                if (key.endsWith("_ref")) {
                    if (!v.isString() || !local.has(v.asString())) {
                        problems.add(new InvalidFactsException.Problem(
                                where,
                                owner + ": " + abbreviate(v.toString())
                                        + " names no entry of this observed-data's objects"));
                    }
                } else if (key.endsWith("_refs") && v.isArray()) {
                    for (int i = 0; i < v.size(); i++) {
                        if (!v.get(i).isString() || !local.has(v.get(i).asString())) {
                            problems.add(new InvalidFactsException.Problem(
                                    where + "/" + i,
                                    owner + ": " + abbreviate(v.get(i).toString())
                                            + " names no entry of this observed-data's objects"));
                        }
                    }
                } else if (v.isContainer()) {
                    checkLocalReferenceValues(v, where, local, owner, problems);
                }
            }
        } else if (node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkLocalReferenceValues(node.get(i), at + "/" + i, local, owner, problems);
            }
        }
    }

    /**
     * The extension definition that declares an object's own type (STIX 2.1 section 7.3: an
     * {@code extensions} entry keyed by an extension-definition ID whose {@code extension_type} is
     * {@code new-sdo}, {@code new-sco} or {@code new-sro}); null when there is none.
     */
    static String newTypeExtension(ObjectNode o) {
        JsonNode extensions = o.get("extensions");
        if (extensions instanceof ObjectNode map) {
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                String kind = e.getValue().path("extension_type").asString("");
                if (e.getKey().startsWith("extension-definition--") && kind.startsWith("new-")) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    /** Whether a type is none of STIX 2.1's own (then an extension definition or the x- prefix declared it). */
    public static boolean definedByExtension(String type) {
        return !type.startsWith("x-")
                && !SDO.contains(type)
                && !SRO.contains(type)
                && !SCO.contains(type)
                && !META.contains(type);
    }

    private static void checkWholeNumber(
            ObjectNode o,
            String property,
            long min,
            long max,
            String at,
            String who,
            List<InvalidFactsException.Problem> problems) {
        JsonNode v = o.get(property);
        if (v != null && (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max)) {
            problems.add(new InvalidFactsException.Problem(
                    at + "/" + property,
                    who + ": " + property + " must be a whole number from " + min + " to " + max + ", was "
                            + abbreviate(v.toString())));
        }
    }

    /**
     * Refuses references that make no sense as data and would trap whatever follows them: an
     * object referring to itself (an identity may name itself as its creator), and a report,
     * note, opinion or grouping that contains itself through {@code object_refs}, directly or
     * through others.
     */
    private static void checkCycles(
            List<ObjectNode> objects, Map<String, List<Integer>> byId, List<InvalidFactsException.Problem> problems) {
        for (int i = 0; i < objects.size(); i++) {
            ObjectNode o = objects.get(i);
            String id = o.path("id").asString();
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                String key = e.getKey();
                boolean selfCreatedIdentity = key.equals("created_by_ref") && id.startsWith("identity--");
                if (key.endsWith("_ref") && id.equals(e.getValue().asString(null)) && !selfCreatedIdentity) {
                    problems.add(new InvalidFactsException.Problem(
                            ROOT + "/objects/" + i + "/" + key, id + ": refers to itself"));
                } else if (key.endsWith("_refs") && e.getValue().isArray()) {
                    for (int k = 0; k < e.getValue().size(); k++) {
                        if (id.equals(e.getValue().get(k).asString(null))) {
                            problems.add(new InvalidFactsException.Problem(
                                    ROOT + "/objects/" + i + "/" + key + "/" + k, id + ": refers to itself"));
                        }
                    }
                }
            }
        }
        // Containment cycles through object_refs: depth-first search with colours (0 new, 1 on the path, 2 done).
        int[] colour = new int[objects.size()];
        for (int start = 0; start < objects.size() && problems.isEmpty(); start++) {
            if (colour[start] != 0) {
                continue;
            }
            java.util.Deque<int[]> stack = new java.util.ArrayDeque<>();
            stack.push(new int[] {start, 0});
            colour[start] = 1;
            while (!stack.isEmpty() && problems.isEmpty()) {
                int[] frame = stack.peek();
                JsonNode refs = objects.get(frame[0]).path("object_refs");
                if (frame[1] >= refs.size()) {
                    colour[frame[0]] = 2;
                    stack.pop();
                    continue;
                }
                int k = frame[1]++;
                List<Integer> targets = byId.get(refs.get(k).asString(""));
                if (targets == null) {
                    continue;
                }
                for (int target : targets) {
                    if (colour[target] == 1 && target != frame[0]) {
                        problems.add(new InvalidFactsException.Problem(
                                ROOT + "/objects/" + frame[0] + "/object_refs/" + k,
                                objects.get(frame[0]).path("id").asString() + ": contains "
                                        + objects.get(target).path("id").asString()
                                        + ", which contains it in turn: object_refs must not form a cycle"));
                        break;
                    } else if (colour[target] == 0) {
                        colour[target] = 1;
                        stack.push(new int[] {target, 0});
                        break;
                    }
                }
            }
        }
    }

    /** What is wrong with a reference (for the problem at its pointer), or null when it resolves. */
    private static String referenceProblem(JsonNode ref, String owner, Map<String, List<Integer>> byId) {
        String id = ref.isString() ? ref.asString() : null;
        if (id == null || !isIdentifier(id)) {
            return owner + ": " + abbreviate(ref.toString()) + " is not a STIX identifier";
        } else if (!byId.containsKey(id) && !Tlp.isOfficialTlpId(id) && !id.startsWith("extension-definition--")) {
            return owner + ": refers to " + id + ", which is not in the bundle";
        }
        return null;
    }

    /** The pointer to a property of the value at a pointer. */
    private static String child(String at, String key) {
        return at + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    /**
     * {@code type--UUID}, with a type of [a-z0-9-] that starts and ends with a letter or digit (the
     * pattern {@link #ID} describes). Checked by hand: it runs for every object and every reference
     * of a bundle, and the pattern's backtracking over the UUID made it the review's largest cost.
     */
    static boolean isIdentifier(String id) {
        int n = id.length();
        int uuid = n - 36;
        if (uuid < 4 || id.charAt(uuid - 1) != '-' || id.charAt(uuid - 2) != '-') {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(uuid + i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        int typeEnd = uuid - 2;
        for (int i = 0; i < typeEnd; i++) {
            char c = id.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!alnum && (c != '-' || i == 0 || i == typeEnd - 1)) {
                return false;
            }
        }
        return typeEnd >= 2;
    }

    /**
     * An RFC 3339 timestamp as STIX writes them: {@code 2026-11-18T03:00:00Z}, with up to nine
     * digits of fractional seconds and a Z or numeric offset, of a day and time that exist (what
     * java.time reads later; a leap second is not accepted). Checked character by
     * character: every object carries several, and parsing each one was a tenth of a review.
     */
    static boolean isTimestamp(JsonNode v) {
        if (!v.isString()) {
            return false;
        }
        String t = v.asString();
        int n = t.length();
        if (n < 20
                || !digits(t, 0, 4)
                || t.charAt(4) != '-'
                || !digits(t, 5, 7)
                || t.charAt(7) != '-'
                || !digits(t, 8, 10)
                || t.charAt(10) != 'T'
                || !digits(t, 11, 13)
                || t.charAt(13) != ':'
                || !digits(t, 14, 16)
                || t.charAt(16) != ':'
                || !digits(t, 17, 19)) {
            return false;
        }
        int i = 19;
        if (t.charAt(i) == '.') {
            int start = ++i;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
            }
            if (i == start || i - start > 9) {
                return false;
            }
        }
        boolean zone = (i == n - 1 && t.charAt(i) == 'Z')
                || (i == n - 6
                        && (t.charAt(i) == '+' || t.charAt(i) == '-')
                        && digits(t, i + 1, i + 3)
                        && t.charAt(i + 3) == ':'
                        && digits(t, i + 4, n)
                        && Integer.parseInt(t, i + 1, i + 3, 10) < 24
                        && Integer.parseInt(t, i + 4, n, 10) < 60);
        if (!zone) {
            return false;
        }
        int year = Integer.parseInt(t, 0, 4, 10);
        int month = Integer.parseInt(t, 5, 7, 10);
        int day = Integer.parseInt(t, 8, 10, 10);
        return month >= 1
                && month <= 12
                && day >= 1
                && day <= java.time.YearMonth.of(year, month).lengthOfMonth()
                && Integer.parseInt(t, 11, 13, 10) < 24
                && Integer.parseInt(t, 14, 16, 10) < 60
                && Integer.parseInt(t, 17, 19, 10) < 60;
    }

    private static boolean digits(String t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static InvalidFactsException invalid(String pointer, String detail) {
        return new InvalidFactsException(List.of(new InvalidFactsException.Problem(pointer, detail)));
    }

    // ------------------------------------------------------------------ reading

    public ObjectNode root() {
        return root;
    }

    public List<ObjectNode> objects() {
        return objects;
    }

    /** The indices of the objects with an ID (several when a bundle carries versions). */
    public List<Integer> indicesOf(String id) {
        return byId.getOrDefault(id, List.of());
    }

    /** The TLP level of an object, from its object and granular markings; null when it has none. */
    public TlpLevel tlpOf(JsonNode object) {
        TlpLevel level = null;
        for (JsonNode ref : object.path("object_marking_refs")) {
            level = Tlp.max(level, levelOfMarking(ref.asString("")));
        }
        for (JsonNode granular : object.path("granular_markings")) {
            level = Tlp.max(level, levelOfMarking(granular.path("marking_ref").asString("")));
        }
        return level;
    }

    /** Whether an object's markings use TLP 1.0 definitions. */
    public boolean usesTlp1(JsonNode object) {
        for (JsonNode ref : object.path("object_marking_refs")) {
            if (Tlp.isTlp1(ref.asString(""))) {
                return true;
            }
        }
        return false;
    }

    private TlpLevel levelOfMarking(String id) {
        TlpLevel official = Tlp.levelOfOfficialId(id);
        return official != null ? official : tlpMarkings.get(id);
    }

    /** Whether a marking-definition ID (official or defined in this bundle) is a TLP marking. */
    public boolean isTlpMarking(String id) {
        return Tlp.isOfficialTlpId(id) || tlpMarkings.containsKey(id);
    }

    /** A pattern-literal extractor, exposed for the inspector. */
    static final class Patterns {

        /** One comparison: {@code ipv4-addr:value = '10.0.0.1'}. */
        record Comparison(String objectType, String path, String literal) {}

        private static final Pattern COMPARISON = Pattern.compile(
                "([a-z0-9-]+):([A-Za-z0-9_.\\[\\]'*-]+)\\s*(?:NOT\\s+)?(=|!=|<=|>=|<|>|MATCHES|LIKE|ISSUBSET|ISSUPERSET|IN)\\s*"
                        + "('(?:[^'\\\\]|\\\\.)*'|\\((?:\\s*'(?:[^'\\\\]|\\\\.)*'\\s*,?)+\\)|[^\\]\\s)]+)");
        private static final Pattern STRING = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'");

        private Patterns() {}

        static List<Comparison> comparisons(String pattern) {
            List<Comparison> found = new ArrayList<>();
            Matcher m = COMPARISON.matcher(pattern);
            while (m.find()) {
                Matcher s = STRING.matcher(m.group(4));
                boolean any = false;
                while (s.find()) {
                    found.add(new Comparison(
                            m.group(1),
                            m.group(2),
                            s.group(1).replace("\\'", "'").replace("\\\\", "\\")));
                    any = true;
                }
                if (!any) {
                    found.add(new Comparison(m.group(1), m.group(2), m.group(4)));
                }
            }
            return found;
        }

        /** A short reason when a STIX pattern is malformed, else null. */
        static String syntaxError(String pattern) {
            int square = 0, round = 0;
            boolean quoted = false;
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (quoted) {
                    if (c == '\\') {
                        i++;
                    } else if (c == '\'') {
                        quoted = false;
                    }
                    continue;
                }
                switch (c) {
                    case '\'' -> quoted = true;
                    case '[' -> square++;
                    case ']' -> square--;
                    case '(' -> round++;
                    case ')' -> round--;
                    default -> {}
                }
                if (square < 0 || round < 0) {
                    return "unbalanced brackets";
                }
            }
            if (quoted) return "an unterminated string";
            if (square != 0 || round != 0) return "unbalanced brackets";
            if (!pattern.strip().startsWith("[") && !pattern.strip().startsWith("("))
                return "it must start with '[' or '('";
            if (!COMPARISON.matcher(pattern).find()) return "no comparison expression";
            return null;
        }
    }
}
