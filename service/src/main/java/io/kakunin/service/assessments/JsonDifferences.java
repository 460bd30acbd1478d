package io.kakunin.service.assessments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/** Where two JSON documents differ, as JSON Pointers: what an auditor reads when a verdict does not replay. */
final class JsonDifferences {

    /** Past this many, more pointers tell nothing new. */
    static final int MAX = 100;

    private JsonDifferences() {}

    static List<String> between(JsonNode a, JsonNode b) {
        List<String> out = new ArrayList<>();
        compare("", a, b, out);
        return out.size() > MAX ? List.copyOf(out.subList(0, MAX)) : List.copyOf(out);
    }

    private static void compare(String pointer, JsonNode a, JsonNode b, List<String> out) {
        if (out.size() > MAX) {
            return;
        }
        boolean aMissing = a == null || a.isMissingNode() || a.isNull();
        boolean bMissing = b == null || b.isMissingNode() || b.isNull();
        if (aMissing || bMissing) {
            if (aMissing != bMissing) {
                out.add(pointer.isEmpty() ? "/" : pointer);
            }
            return;
        }
        if (a.isObject() && b.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                names.add(e.getKey());
            }
            for (Map.Entry<String, JsonNode> e : b.properties()) {
                names.add(e.getKey());
            }
            for (String name : names) {
                compare(pointer + "/" + name.replace("~", "~0").replace("/", "~1"), a.get(name), b.get(name), out);
            }
        } else if (a.isArray() && b.isArray()) {
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                compare(pointer + "/" + i, a.get(i), b.get(i), out);
            }
        } else if (a.isNumber() && b.isNumber()) {
            if (a.decimalValue().compareTo(b.decimalValue()) != 0) {
                out.add(pointer);
            }
        } else if (!a.equals(b)) {
            out.add(pointer.isEmpty() ? "/" : pointer);
        }
    }
}
