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
    public sealed interface Edit permits RemoveObject, GeneralizeIdentity, GeneralizeLocation, ReplaceText {
        int objectIndex();
    }

    public record RemoveObject(int objectIndex) implements Edit {
    }

    public record GeneralizeIdentity(int objectIndex) implements Edit {
    }

    public record GeneralizeLocation(int objectIndex) implements Edit {
    }

    /** Replaces a found text in one property (a JSON Pointer relative to the object). */
    public record ReplaceText(int objectIndex, String property, String found) implements Edit {
    }

    /** The result: the sanitized bundle, and for each removed object the indices removed along with it. */
    public record Result(ObjectNode bundle, Map<Integer, List<Integer>> cascades) {
    }

    private static final DateTimeFormatter STIX_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> REQUIRED_SINGLE_REFS = Set.of("source_ref", "target_ref", "sighting_of_ref");
    private static final Set<String> REQUIRED_LISTS = Set.of("object_refs");
    private static final Pattern USER_SEGMENT = Pattern.compile("(?i)((?:[a-z]:\\\\(?:users|documents and settings)\\\\)|/(?:home|users)/)[^\\\\/\\s'\"]+");

    private final StixBundle bundle;
    private final String sector;
    private final Instant now;

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
        Map<Integer, List<Integer>> cascades = new LinkedHashMap<>();
        for (Edit edit : edits) {
            int i = edit.objectIndex();
            ObjectNode o = objects.get(i);
            if (edit instanceof RemoveObject) {
                removed.add(i);
            } else if (edit instanceof GeneralizeIdentity) {
                generalizeIdentity(o);
            } else if (edit instanceof GeneralizeLocation) {
                generalizeLocation(o);
            } else if (edit instanceof ReplaceText t) {
                replaceText(o, t.property(), t.found());
            }
            if (!(edit instanceof RemoveObject)) {
                changed.add(i);
            }
        }
        for (int root : new ArrayList<>(removed)) {
            cascades.put(root, new ArrayList<>());
        }
        cascade(objects, removed, cascades, changed);
        applyMarking(objects, removed, changed, tlp);
        for (int i : changed) {
            if (!removed.contains(i)) {
                bumpModified(objects.get(i));
            }
        }
        ObjectNode out = bundle.root().deepCopy();
        out.put("id", "bundle--" + UUID.randomUUID());
        ArrayNode list = out.putArray("objects");
        boolean hasDefinition = false;
        for (int i = 0; i < objects.size(); i++) {
            if (!removed.contains(i)) {
                list.add(objects.get(i));
                hasDefinition |= Tlp.markingId(tlp).equals(objects.get(i).path("id").asString(""));
            }
        }
        if (!hasDefinition) {
            list.insert(0, Tlp.definitionObject(tlp));
        }
        return new Result(out, cascades);
    }

    // ------------------------------------------------------------------ removal and references

    private void cascade(List<ObjectNode> objects, Set<Integer> removed, Map<Integer, List<Integer>> cascades, Set<Integer> changed) {
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
                        cascades.get(root).add(i);
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
        if ("sighting".equals(o.path("type").asString("")) && o.has("where_sighted_refs") && !o.path("where_sighted_refs").isEmpty()) {
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

    /** Removes references to removed objects from lists and optional single references; true when something changed. */
    private static boolean pruneReferences(JsonNode node, Set<String> gone) {
        boolean changed = false;
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
                        }
                    }
                    if (list.isEmpty()) {
                        drop.add(key);
                    }
                } else if (key.endsWith("_ref") && v.isString() && gone.contains(v.asString())) {
                    drop.add(key);
                    changed = true;
                } else if (v.isContainer()) {
                    changed |= pruneReferences(v, gone);
                }
            }
            drop.forEach(obj::remove);
        } else if (node instanceof ArrayNode array) {
            for (JsonNode item : array) {
                changed |= pruneReferences(item, gone);
            }
        }
        return changed;
    }

    // ------------------------------------------------------------------ generalization

    private void generalizeIdentity(ObjectNode identity) {
        String broad = identity.path("sectors").path(0).asString(null);
        if (broad == null) {
            broad = sector;
        }
        ObjectNode keep = identity.objectNode();
        for (String p : List.of("type", "spec_version", "id", "created", "modified", "created_by_ref", "object_marking_refs", "granular_markings")) {
            if (identity.has(p)) {
                keep.set(p, identity.get(p));
            }
        }
        identity.removeAll();
        identity.setAll(keep);
        identity.put("name", broad == null ? "An organization (generalized)" : "An organization in the " + broad.replace('-', ' ') + " sector");
        identity.put("identity_class", "class");
        if (broad != null) {
            identity.putArray("sectors").add(broad.toLowerCase(Locale.ROOT));
        }
    }

    private static void generalizeLocation(ObjectNode location) {
        for (String p : List.of("city", "street_address", "postal_code", "latitude", "longitude", "precision", "administrative_area",
                "description", "name")) {
            location.remove(p);
        }
        if (!location.has("country") && !location.has("region")) {
            location.put("region", "eastern-asia");
        }
        location.put("name", location.has("country") ? "Location in " + location.path("country").asString() : "Generalized location");
    }

    private static void replaceText(ObjectNode object, String property, String found) {
        List<String> path = new ArrayList<>();
        for (String token : property.split("/")) {
            if (!token.isEmpty()) {
                path.add(token.replace("~1", "/").replace("~0", "~"));
            }
        }
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
            return Pattern.compile(Pattern.quote(found), Pattern.CASE_INSENSITIVE).matcher(text)
                    .replaceAll(Matcher.quoteReplacement(user.group(1) + "[user]"));
        }
        return Pattern.compile(Pattern.quote(found), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(text)
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
                if (bundle.isTlpMarking(o.path("id").asString("")) && !o.path("id").asString("").equals(id)) {
                    removed.add(i);
                }
                continue;
            }
            ArrayNode refs = o.has("object_marking_refs") && o.get("object_marking_refs").isArray()
                    ? (ArrayNode) o.get("object_marking_refs") : o.putArray("object_marking_refs");
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

    private void bumpModified(ObjectNode o) {
        if (!o.has("modified")) {
            return;
        }
        Instant next = now;
        try {
            Instant previous = OffsetDateTime.parse(o.path("modified").asString()).toInstant();
            if (!next.isAfter(previous)) {
                next = previous.plusMillis(1);
            }
        } catch (RuntimeException e) {
            // validated earlier; keep the review time
        }
        o.put("modified", STIX_TIME.format(next));
    }
}
