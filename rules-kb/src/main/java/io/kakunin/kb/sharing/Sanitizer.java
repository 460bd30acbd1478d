package io.kakunin.kb.sharing;

import io.kakunin.api.model.TlpLevel;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Produces the bundle that may go out: a copy of the submitted bundle with the planned edits
 * applied (objects removed, victim identities generalized to a class, locations generalized to
 * the country, victim text replaced), every reference still resolving (objects that only
 * referred to removed ones go too), and the share's TLP 2.0 marking on every object. Changed
 * objects get a new {@code modified} time, as STIX versioning asks.
 */
public final class Sanitizer {

    /** One edit, addressed by the index of the object in the submitted bundle. */
    public sealed interface Edit
            permits RemoveObject, GeneralizeIdentity, GeneralizeLocation, ReplaceText, RenameProperty {
        int objectIndex();
    }

    public record RemoveObject(int objectIndex) implements Edit {}

    public record GeneralizeIdentity(int objectIndex) implements Edit {}

    public record GeneralizeLocation(int objectIndex) implements Edit {}

    /** Replaces a found text in one property (a JSON Pointer relative to the object). */
    public record ReplaceText(int objectIndex, String property, String found) implements Edit {}

    /**
     * Replaces a found text in the name of one property (a JSON Pointer relative to the object, to
     * the property renamed): x_acme_owner becomes x_[redacted]_owner, in its place among the others.
     */
    public record RenameProperty(int objectIndex, String property, String found) implements Edit {}

    /** The result: the sanitized bundle, and for each removed object the indices removed along with it. */
    public record Result(ObjectNode bundle, Map<Integer, List<Integer>> cascades, Set<Integer> removed) {}

    private static final DateTimeFormatter STIX_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> REQUIRED_SINGLE_REFS =
            Set.of("source_ref", "target_ref", "sighting_of_ref", "object_ref");
    /** The namespace of deterministic cyber-observable IDs (STIX 2.1 section 2.9). */
    private static final UUID SCO_NAMESPACE = UUID.fromString("00abedb4-aa42-466c-9c01-fed23315a9b7");
    /** The ID contributing properties of each cyber-observable type (STIX 2.1 section 6). */
    private static final Map<String, List<String>> ID_CONTRIBUTING = Map.ofEntries(
            Map.entry("artifact", List.of("hashes", "payload_bin")),
            Map.entry("autonomous-system", List.of("number")),
            Map.entry("directory", List.of("path")),
            Map.entry("domain-name", List.of("value")),
            Map.entry("email-addr", List.of("value")),
            Map.entry("email-message", List.of("from_ref", "subject", "body")),
            Map.entry("file", List.of("hashes", "name", "extensions", "parent_directory_ref")),
            Map.entry("ipv4-addr", List.of("value")),
            Map.entry("ipv6-addr", List.of("value")),
            Map.entry("mac-addr", List.of("value")),
            Map.entry("mutex", List.of("name")),
            Map.entry(
                    "network-traffic",
                    List.of("start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions")),
            Map.entry("software", List.of("name", "cpe", "swid", "vendor", "version")),
            Map.entry("url", List.of("value")),
            Map.entry("user-account", List.of("account_type", "user_id", "account_login")),
            Map.entry("windows-registry-key", List.of("key", "values")),
            Map.entry("x509-certificate", List.of("hashes", "serial_number")));

    private static final Set<String> REQUIRED_LISTS = Set.of("object_refs");
    private static final Pattern USER_SEGMENT = Pattern.compile(
            "(?i)((?:[a-z]:\\\\{1,2}(?:users|documents and settings)\\\\{1,2})|/(?:home|users)/)[^\\\\/\\s'\"]+");

    private final StixBundle bundle;
    private final String sector;
    private final Instant now;
    /** The new modified time of each modified time met (see {@link #bumpModified}). */
    private final Map<String, String> nextModified = new java.util.HashMap<>();

    public Sanitizer(StixBundle bundle, String sector, Instant now) {
        this.bundle = bundle;
        this.sector = sector;
        this.now = now.truncatedTo(ChronoUnit.MILLIS);
    }

    public Result sanitize(List<Edit> edits, TlpLevel tlp) {
        List<ObjectNode> objects = new ArrayList<>();
        for (ObjectNode o : bundle.objects()) {
            objects.add(o.deepCopy());
        }
        Set<Integer> changed = new HashSet<>();
        Set<Integer> removed = new LinkedHashSet<>();
        /** Objects given a new identity: generalized ones must not be linkable to the original. */
        Map<String, String> renamed = new LinkedHashMap<>();
        /** Cyber-observables whose content changed: their deterministic IDs are computed again. */
        Set<Integer> observablesChanged = new HashSet<>();
        Map<Integer, List<Integer>> cascades = new LinkedHashMap<>();
        for (Edit edit : edits) {
            int i = edit.objectIndex();
            ObjectNode o = objects.get(i);
            if (removed.contains(i)) {
                continue;
            }
            if (edit instanceof RemoveObject) {
                removed.add(i);
            } else if (edit instanceof GeneralizeIdentity) {
                // Every version of the identity is generalized; they keep sharing one (new) ID.
                for (int version : bundle.indicesOf(o.path("id").asString(""))) {
                    generalizeIdentity(objects.get(version));
                    changed.add(version);
                }
                renamed.putIfAbsent(o.path("id").asString(), "identity--" + UUID.randomUUID());
            } else if (edit instanceof GeneralizeLocation) {
                if (generalizeLocation(o)) {
                    renamed.putIfAbsent(o.path("id").asString(), "location--" + UUID.randomUUID());
                } else {
                    removed.add(i);
                }
            } else if (edit instanceof ReplaceText t
                    && "observed-data".equals(o.path("type").asString(""))
                    && t.property().startsWith("/objects/")) {
                removeEmbedded(o, t.property().split("/")[2]);
                if (o.path("objects").isEmpty()) {
                    o.remove("objects");
                }
            } else if (edit instanceof RenameProperty r) {
                renameProperty(o, r.property(), r.found());
                if (StixBundle.SCO.contains(o.path("type").asString(""))) {
                    observablesChanged.add(i);
                }
            } else if (edit instanceof ReplaceText t) {
                replaceText(o, t.property(), t.found());
                if (StixBundle.SCO.contains(o.path("type").asString(""))) {
                    observablesChanged.add(i);
                } else if ("marking-definition".equals(o.path("type").asString(""))) {
                    // A marking definition cannot be versioned: changed, it is another definition.
                    renamed.putIfAbsent(o.path("id").asString(), "marking-definition--" + UUID.randomUUID());
                }
            }
            if (!(edit instanceof RemoveObject)) {
                changed.add(i);
            }
        }
        for (int root : new ArrayList<>(removed)) {
            cascades.putIfAbsent(root, new ArrayList<>());
        }
        olderVersions(objects, removed);
        cascade(objects, removed, cascades, changed);
        changed.addAll(rename(objects, removed, renamed, observablesChanged));
        applyMarking(objects, removed, changed, tlp);
        Map<String, String> newModified = new LinkedHashMap<>();
        for (int i : changed) {
            if (!removed.contains(i) && bumpModified(objects.get(i))) {
                newModified.put(
                        objects.get(i).path("id").asString(),
                        objects.get(i).path("modified").asString());
            }
        }
        // A translation names the version it translates (STIX 2.1 section 7.1): follow the new version.
        for (int i = 0; i < objects.size(); i++) {
            ObjectNode o = objects.get(i);
            String target = o.path("object_ref").asString("");
            if (!removed.contains(i)
                    && "language-content".equals(o.path("type").asString(""))
                    && newModified.containsKey(target)) {
                o.put("object_modified", newModified.get(target));
                if (changed.add(i)) {
                    bumpModified(o);
                }
            }
        }
        // The bundle's own properties copied, its objects not (they are replaced just below).
        ObjectNode out = bundle.root().objectNode();
        for (Map.Entry<String, JsonNode> e : bundle.root().properties()) {
            out.set(
                    e.getKey(),
                    e.getKey().equals("objects") ? out.nullNode() : e.getValue().deepCopy());
        }
        out.put("id", "bundle--" + UUID.randomUUID());
        ArrayNode list = out.putArray("objects");
        boolean hasDefinition = false;
        for (int i = 0; i < objects.size(); i++) {
            if (!removed.contains(i)) {
                list.add(objects.get(i));
                hasDefinition |=
                        Tlp.markingId(tlp).equals(objects.get(i).path("id").asString(""));
            }
        }
        if (!hasDefinition) {
            list.insert(0, Tlp.definitionObject(tlp));
        }
        return new Result(out, cascades, Set.copyOf(removed));
    }

    // ------------------------------------------------------------------ removal and references

    /**
     * Only the latest version of an object goes out: earlier versions add nothing a recipient
     * needs, and may hold what a later version removed. (Edited versions would otherwise also end
     * up with the same new modified time.)
     */
    private static void olderVersions(List<ObjectNode> objects, Set<Integer> removed) {
        Map<String, Integer> latest = new LinkedHashMap<>();
        for (int i = 0; i < objects.size(); i++) {
            if (removed.contains(i)) {
                continue;
            }
            String id = objects.get(i).path("id").asString("");
            Integer other = latest.get(id);
            if (other == null) {
                latest.put(id, i);
            } else if (modified(objects.get(i)).compareTo(modified(objects.get(other))) > 0) {
                removed.add(other);
                latest.put(id, i);
            } else {
                removed.add(i);
            }
        }
    }

    private static Instant modified(ObjectNode o) {
        try {
            return OffsetDateTime.parse(o.path("modified").asString("")).toInstant();
        } catch (RuntimeException e) {
            return Instant.MIN;
        }
    }

    private void cascade(
            List<ObjectNode> objects,
            Set<Integer> removed,
            Map<Integer, List<Integer>> cascades,
            Set<Integer> changed) {
        Map<String, Integer> rootOf = new LinkedHashMap<>();
        for (int r : removed) {
            rootOf.put(objects.get(r).path("id").asString(""), r);
        }
        boolean again = true;
        while (again) {
            again = false;
            Set<String> gone = new HashSet<>();
            for (int r : removed) {
                gone.add(objects.get(r).path("id").asString(""));
            }
            for (int i = 0; i < objects.size(); i++) {
                if (!removed.contains(i)) {
                    // An older version removed, the latest kept: references to the ID still resolve.
                    gone.remove(objects.get(i).path("id").asString(""));
                }
            }
            for (int i = 0; i < objects.size(); i++) {
                if (removed.contains(i)) {
                    continue;
                }
                ObjectNode o = objects.get(i);
                String cause = danglingRequired(o, gone, bundle);
                if (cause != null) {
                    removed.add(i);
                    int root = rootOf.getOrDefault(cause, -1);
                    rootOf.put(o.path("id").asString(""), root);
                    if (root >= 0) {
                        cascades.computeIfAbsent(root, k -> new ArrayList<>()).add(i);
                    }
                    again = true;
                } else if (pruneReferences(o, gone)) {
                    changed.add(i);
                }
            }
        }
    }

    /** The removed ID a required reference of the object points to, if any (then the object must go too). */
    private static String danglingRequired(ObjectNode o, Set<String> gone, StixBundle bundle) {
        for (String p : REQUIRED_SINGLE_REFS) {
            String ref = o.path(p).asString(null);
            if (ref != null && gone.contains(ref)) {
                return ref;
            }
        }
        for (String p : REQUIRED_LISTS) {
            JsonNode list = o.get(p);
            if (list != null && list.isArray() && !list.isEmpty()) {
                boolean all = true;
                String first = null;
                for (JsonNode ref : list) {
                    if (!gone.contains(ref.asString(""))) {
                        all = false;
                        break;
                    }
                    first = first == null ? ref.asString() : first;
                }
                if (all) {
                    return first;
                }
            }
        }
        String type = o.path("type").asString("");
        if (type.equals("network-traffic") && !o.has("src_ref") && !o.has("dst_ref")) {
            // At least one endpoint is required (STIX 2.1 section 6.12); both were removed.
            return firstGone(bundle, o, gone, "src_ref", "dst_ref");
        }
        if (type.equals("artifact") && !o.has("payload_bin") && !o.has("url")) {
            return o.path("id").asString();
        }
        if (type.equals("observed-data") && !o.has("object_refs") && !o.has("objects")) {
            return firstGone(bundle, o, gone, "object_refs");
        }
        if ("sighting".equals(o.path("type").asString(""))
                && o.has("where_sighted_refs")
                && !o.path("where_sighted_refs").isEmpty()) {
            boolean all = true;
            for (JsonNode ref : o.path("where_sighted_refs")) {
                all &= gone.contains(ref.asString(""));
            }
            if (all) {
                return o.path("where_sighted_refs").get(0).asString();
            }
        }
        return null;
    }

    /** The original object a removed reference of an object pointed to, for the cascade's account. */
    private static String firstGone(StixBundle bundle, ObjectNode o, Set<String> gone, String... properties) {
        String id = o.path("id").asString("");
        for (int i : bundle.indicesOf(id)) {
            JsonNode original = bundle.objects().get(i);
            for (String p : properties) {
                JsonNode v = original.get(p);
                if (v != null && v.isString() && gone.contains(v.asString())) {
                    return v.asString();
                }
                if (v != null && v.isArray()) {
                    for (JsonNode ref : v) {
                        if (gone.contains(ref.asString(""))) {
                            return ref.asString();
                        }
                    }
                }
            }
        }
        return id;
    }

    /**
     * Removes references to removed objects; true when something changed. An optional single
     * reference goes; a list loses the entry (and goes when empty); an entry of a list of
     * objects that loses a reference goes as a whole, since it described what was removed (a
     * MIME part without its body, a social-media account without its user account); an extension
     * whose only content was the removed references goes too.
     */
    private static boolean pruneReferences(JsonNode node, Set<String> gone) {
        return prune(node, gone) != Pruned.UNCHANGED;
    }

    private enum Pruned {
        UNCHANGED,
        CHANGED,
        LOST_REFERENCE
    }

    private static Pruned prune(JsonNode node, Set<String> gone) {
        boolean changed = false;
        boolean lostReference = false;
        if (node instanceof ObjectNode obj) {
            Iterator<Map.Entry<String, JsonNode>> it = obj.properties().iterator();
            List<String> drop = new ArrayList<>();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                JsonNode v = e.getValue();
                if (key.endsWith("_refs") && v instanceof ArrayNode list) {
                    for (int k = list.size() - 1; k >= 0; k--) {
                        if (gone.contains(list.get(k).asString(""))) {
                            list.remove(k);
                            changed = true;
                            lostReference = true;
                        }
                    }
                    if (list.isEmpty()) {
                        drop.add(key);
                    }
                } else if (key.endsWith("_ref") && v.isString() && gone.contains(v.asString())) {
                    drop.add(key);
                    changed = true;
                    lostReference = true;
                } else if (key.equals("extensions") && v instanceof ObjectNode extensions) {
                    List<String> emptied = new ArrayList<>();
                    for (Map.Entry<String, JsonNode> ext : extensions.properties()) {
                        Pruned p = prune(ext.getValue(), gone);
                        changed |= p != Pruned.UNCHANGED;
                        // archive-ext: contains_refs is required; without it the extension says nothing.
                        if (p == Pruned.LOST_REFERENCE
                                && ext.getKey().equals("archive-ext")
                                && !ext.getValue().has("contains_refs")) {
                            emptied.add(ext.getKey());
                        }
                    }
                    emptied.forEach(extensions::remove);
                    if (extensions.isEmpty()) {
                        drop.add(key);
                    }
                } else if (v instanceof ArrayNode list) {
                    for (int k = list.size() - 1; k >= 0; k--) {
                        Pruned p = prune(list.get(k), gone);
                        if (p == Pruned.LOST_REFERENCE && list.get(k).isObject()) {
                            list.remove(k);
                        }
                        changed |= p != Pruned.UNCHANGED;
                    }
                    if (list.isEmpty() && changed) {
                        drop.add(key);
                    }
                } else if (v.isContainer()) {
                    changed |= prune(v, gone) != Pruned.UNCHANGED;
                }
            }
            drop.forEach(obj::remove);
        } else if (node instanceof ArrayNode array) {
            for (JsonNode item : array) {
                changed |= prune(item, gone) != Pruned.UNCHANGED;
            }
        }
        return lostReference ? Pruned.LOST_REFERENCE : changed ? Pruned.CHANGED : Pruned.UNCHANGED;
    }

    // ------------------------------------------------------------------ new identities

    /**
     * Gives objects their new IDs and rewrites every reference to them: generalized identities and
     * locations and changed marking definitions get fresh ones, changed cyber-observables the
     * deterministic ID of their new content, which in turn may change the IDs of observables that
     * refer to them. Returns the indices of the objects that changed.
     */
    private static Set<Integer> rename(
            List<ObjectNode> objects,
            Set<Integer> removed,
            Map<String, String> renamed,
            Set<Integer> observablesChanged) {
        Set<Integer> changed = new HashSet<>();
        Map<String, String> pending = new LinkedHashMap<>(renamed);
        Set<Integer> recompute = new LinkedHashSet<>(observablesChanged);
        int rounds = 0;
        while ((!pending.isEmpty() || !recompute.isEmpty()) && rounds++ < 16) {
            for (int i : recompute) {
                if (removed.contains(i)) {
                    continue;
                }
                ObjectNode o = objects.get(i);
                String id = o.path("id").asString("");
                String next = deterministicId(o);
                if (next != null && !next.equals(id)) {
                    pending.put(id, next);
                }
            }
            recompute.clear();
            if (pending.isEmpty()) {
                break;
            }
            for (int i = 0; i < objects.size(); i++) {
                if (removed.contains(i)) {
                    continue;
                }
                ObjectNode o = objects.get(i);
                String own = o.path("id").asString("");
                if (pending.containsKey(own)) {
                    o.put("id", pending.get(own));
                    changed.add(i);
                }
                if (rewriteReferences(o, pending)) {
                    changed.add(i);
                    if (StixBundle.SCO.contains(o.path("type").asString(""))) {
                        recompute.add(i);
                    }
                }
            }
            pending.clear();
        }
        return changed;
    }

    private static boolean rewriteReferences(JsonNode node, Map<String, String> ids) {
        boolean changed = false;
        if (node instanceof ObjectNode obj) {
            Map<String, String> replaced = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                String key = e.getKey();
                JsonNode v = e.getValue();
                if (key.endsWith("_ref") && v.isString() && ids.containsKey(v.asString())) {
                    replaced.put(key, ids.get(v.asString()));
                } else if (key.endsWith("_refs") && v instanceof ArrayNode list) {
                    for (int k = 0; k < list.size(); k++) {
                        String ref = list.get(k).asString("");
                        if (ids.containsKey(ref)) {
                            list.set(k, StringNode.valueOf(ids.get(ref)));
                            changed = true;
                        }
                    }
                } else if (v.isContainer()) {
                    changed |= rewriteReferences(v, ids);
                }
            }
            replaced.forEach(obj::put);
            changed |= !replaced.isEmpty();
        } else if (node instanceof ArrayNode array) {
            for (JsonNode item : array) {
                changed |= rewriteReferences(item, ids);
            }
        }
        return changed;
    }

    /**
     * The UUIDv5 ID of a cyber-observable from its ID contributing properties, canonicalized as
     * RFC 8785 asks (STIX 2.1 section 2.9); a fresh UUIDv4 ID when it has none of them.
     */
    static String deterministicId(ObjectNode o) {
        String type = o.path("type").asString("");
        List<String> properties = ID_CONTRIBUTING.get(type);
        ObjectNode contributing = o.objectNode();
        if (properties != null) {
            for (String p : properties) {
                if (o.has(p)) {
                    contributing.set(p, o.get(p));
                }
            }
        }
        if (contributing.isEmpty()) {
            return type + "--" + UUID.randomUUID();
        }
        return type + "--" + uuid5(SCO_NAMESPACE, Canonical.json(contributing));
    }

    private static UUID uuid5(UUID namespace, String name) {
        try {
            java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
            java.nio.ByteBuffer ns = java.nio.ByteBuffer.allocate(16);
            ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
            sha1.update(ns.array());
            byte[] hash = sha1.digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(hash, 0, 16);
            return new UUID(b.getLong(), b.getLong());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON in the canonical form of RFC 8785 for the values STIX observables hold (keys sorted, no spaces, minimal escaping). */
    static final class Canonical {
        private Canonical() {}

        static String json(JsonNode node) {
            StringBuilder out = new StringBuilder();
            write(node, out);
            return out.toString();
        }

        private static void write(JsonNode node, StringBuilder out) {
            if (node.isObject()) {
                List<String> keys = new ArrayList<>(node.propertyNames());
                // RFC 8785 orders keys by their UTF-16 code units, which is String.compareTo.
                keys.sort(String::compareTo);
                out.append('{');
                for (int k = 0; k < keys.size(); k++) {
                    if (k > 0) {
                        out.append(',');
                    }
                    string(keys.get(k), out);
                    out.append(':');
                    write(node.get(keys.get(k)), out);
                }
                out.append('}');
            } else if (node.isArray()) {
                out.append('[');
                for (int k = 0; k < node.size(); k++) {
                    if (k > 0) {
                        out.append(',');
                    }
                    write(node.get(k), out);
                }
                out.append(']');
            } else if (node.isString()) {
                string(node.asString(), out);
            } else if (node.isIntegralNumber()) {
                out.append(node.bigIntegerValue());
            } else if (node.isNumber()) {
                double d = node.asDouble();
                out.append(d == Math.rint(d) && Math.abs(d) < 1e21 ? Long.toString((long) d) : Double.toString(d));
            } else {
                out.append(node.toString());
            }
        }

        private static void string(String s, StringBuilder out) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }

    /**
     * Removes a cyber-observable from the deprecated {@code objects} of observed-data (a typed value
     * such as an address cannot hold "[redacted]"), and with it the observables that can no longer
     * stand without it (network traffic without an endpoint); other references to it are dropped.
     */
    private static void removeEmbedded(ObjectNode observedData, String key) {
        JsonNode local = observedData.get("objects");
        if (!(local instanceof ObjectNode objects) || !objects.has(key)) {
            return;
        }
        Set<String> gone = new HashSet<>(Set.of(key));
        objects.remove(key);
        boolean again = true;
        while (again) {
            again = false;
            for (String other : new ArrayList<>(objects.propertyNames())) {
                JsonNode observable = objects.get(other);
                prune(observable, gone);
                if ("network-traffic".equals(observable.path("type").asString(""))
                        && !observable.has("src_ref")
                        && !observable.has("dst_ref")) {
                    objects.remove(other);
                    gone.add(other);
                    again = true;
                }
            }
        }
    }

    // ------------------------------------------------------------------ generalization

    private void generalizeIdentity(ObjectNode identity) {
        String broad = identity.path("sectors").path(0).asString(null);
        if (broad == null) {
            broad = sector;
        }
        ObjectNode keep = identity.objectNode();
        for (String p : List.of(
                "type",
                "spec_version",
                "id",
                "created",
                "modified",
                "created_by_ref",
                "object_marking_refs",
                "granular_markings")) {
            if (identity.has(p)) {
                keep.set(p, identity.get(p));
            }
        }
        identity.removeAll();
        identity.setAll(keep);
        identity.put(
                "name",
                broad == null
                        ? "An organization (generalized)"
                        : "An organization in the " + broad.replace('-', ' ') + " sector");
        identity.put("identity_class", "class");
        if (broad != null) {
            identity.putArray("sectors").add(broad.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Keeps only the country and region of a location; false when it has neither (a bare
     * coordinate), and so nothing that may be shared: then the location is removed, not made up.
     */
    private static boolean generalizeLocation(ObjectNode location) {
        for (String p : List.of(
                "city",
                "street_address",
                "postal_code",
                "latitude",
                "longitude",
                "precision",
                "administrative_area",
                "description",
                "name")) {
            location.remove(p);
        }
        if (!location.has("country") && !location.has("region")) {
            return false;
        }
        location.put(
                "name",
                location.has("country")
                        ? "Location in " + location.path("country").asString()
                        : "Location in the "
                                + location.path("region").asString().replace('-', ' ') + " region");
        return true;
    }

    /** The tokens of a JSON Pointer: "/" is one empty token (the property with an empty name), "" none. */
    static List<String> tokens(String pointer) {
        List<String> path = new ArrayList<>();
        if (pointer.isEmpty()) {
            return path;
        }
        String[] parts = pointer.split("/", -1);
        for (int k = 1; k < parts.length; k++) {
            path.add(parts[k].replace("~1", "/").replace("~0", "~"));
        }
        return path;
    }

    private static void renameProperty(ObjectNode object, String property, String found) {
        List<String> path = tokens(property);
        JsonNode parent = object;
        for (int k = 0; k < path.size() - 1 && parent != null; k++) {
            parent = parent.isArray() ? parent.get(Integer.parseInt(path.get(k))) : parent.get(path.get(k));
        }
        if (!(parent instanceof ObjectNode owner) || path.isEmpty() || !owner.has(path.get(path.size() - 1))) {
            return;
        }
        String old = path.get(path.size() - 1);
        String name = replace(old, found);
        if (name.equals(old)) {
            return;
        }
        while (owner.has(name)) {
            name = name + "_";
        }
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : owner.properties()) {
            copy.put(e.getKey().equals(old) ? name : e.getKey(), e.getValue());
        }
        owner.removeAll();
        copy.forEach(owner::set);
    }

    private static void replaceText(ObjectNode object, String property, String found) {
        List<String> path = tokens(property);
        JsonNode parent = object;
        for (int k = 0; k < path.size() - 1 && parent != null; k++) {
            parent = parent.isArray() ? parent.get(Integer.parseInt(path.get(k))) : parent.get(path.get(k));
        }
        if (parent == null || path.isEmpty()) {
            return;
        }
        String last = path.get(path.size() - 1);
        JsonNode value = parent.isArray() ? parent.get(Integer.parseInt(last)) : parent.get(last);
        if (value == null || !value.isString()) {
            return;
        }
        if (last.equals("url") && parent instanceof ObjectNode owner) {
            // "[redacted]" is not a URL: the property goes. An external reference left with nothing
            // but its source name is still valid only with a description or an external ID.
            owner.remove("url");
            if (path.size() >= 3
                    && path.get(path.size() - 3).equals("external_references")
                    && !owner.has("description")
                    && !owner.has("external_id")) {
                owner.put("description", "Reference withheld: it identified the victim.");
            }
            return;
        }
        String replaced = replace(value.asString(), found);
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), StringNode.valueOf(replaced));
        } else {
            ((ObjectNode) parent).put(last, replaced);
        }
    }

    /** Replaces a found text everywhere in a value, ignoring case; a user's path keeps its shape. */
    static String replace(String text, String found) {
        Matcher user = USER_SEGMENT.matcher(found);
        if (user.matches()) {
            return Pattern.compile(Pattern.quote(found), Pattern.CASE_INSENSITIVE)
                    .matcher(text)
                    .replaceAll(Matcher.quoteReplacement(user.group(1) + "[user]"));
        }
        return Pattern.compile(Pattern.quote(found), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                .matcher(text)
                .replaceAll("[redacted]");
    }

    // ------------------------------------------------------------------ marking

    private void applyMarking(List<ObjectNode> objects, Set<Integer> removed, Set<Integer> changed, TlpLevel tlp) {
        String id = Tlp.markingId(tlp);
        for (int i = 0; i < objects.size(); i++) {
            ObjectNode o = objects.get(i);
            if (removed.contains(i)) {
                continue;
            }
            if ("marking-definition".equals(o.path("type").asString(""))) {
                if (bundle.isTlpMarking(o.path("id").asString(""))
                        && !o.path("id").asString("").equals(id)) {
                    removed.add(i);
                }
                continue;
            }
            ArrayNode refs =
                    o.has("object_marking_refs") && o.get("object_marking_refs").isArray()
                            ? (ArrayNode) o.get("object_marking_refs")
                            : o.putArray("object_marking_refs");
            boolean hasIt = false;
            boolean modifiedRefs = false;
            for (int k = refs.size() - 1; k >= 0; k--) {
                String ref = refs.get(k).asString("");
                if (ref.equals(id)) {
                    hasIt = true;
                } else if (bundle.isTlpMarking(ref)) {
                    refs.remove(k);
                    modifiedRefs = true;
                }
            }
            if (!hasIt) {
                refs.add(id);
                modifiedRefs = true;
            }
            JsonNode granular = o.get("granular_markings");
            if (granular instanceof ArrayNode g) {
                for (int k = g.size() - 1; k >= 0; k--) {
                    if (bundle.isTlpMarking(g.get(k).path("marking_ref").asString(""))) {
                        g.remove(k);
                        modifiedRefs = true;
                    }
                }
                if (g.isEmpty()) {
                    o.remove("granular_markings");
                }
            }
            if (modifiedRefs) {
                changed.add(i);
            }
        }
    }

    private boolean bumpModified(ObjectNode o) {
        if (!o.has("modified")) {
            return false;
        }
        // Most objects of a bundle share a few modified times: each is read and written once.
        o.put("modified", nextModified.computeIfAbsent(o.path("modified").asString(), this::nextModified));
        return true;
    }

    /** What follows a modified time: the review's time, or a millisecond later than the previous one. */
    private String nextModified(String modified) {
        Instant next = now;
        try {
            Instant previous = OffsetDateTime.parse(modified).toInstant();
            if (!next.isAfter(previous)) {
                next = previous.plusMillis(1);
            }
        } catch (RuntimeException e) {
            // validated earlier; keep the review time
        }
        return STIX_TIME.format(next);
    }
}
