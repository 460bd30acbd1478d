package io.kakunin.kb.sharing;

import io.kakunin.kb.input.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.DoubleNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * A bundle between the request's map and a JSON tree, copied directly rather than written out
 * and read back by the mapper (which cost a tenth of a review): objects, arrays and strings are
 * copied as they are; booleans and the numbers JSON reads into (int, long, double) become the
 * node or value the mapper makes of them, and every other value goes through
 * {@link Json#mapper()} on its own, so it becomes the same node or value as before. Anything else the direct copy
 * does not know (nulls, keys that are not strings, a string the strict reader refuses) sends
 * the whole value through the mapper, which then answers exactly as it always did.
 */
public final class JsonTrees {

    private JsonTrees() {}

    /** What {@code Json.mapper().valueToTree(map)} gives. */
    public static JsonNode tree(Map<String, Object> map) {
        if (map != null) {
            try {
                return object(map);
            } catch (Unusual e) {
                // the mapper's answer below
            }
        }
        return Json.mapper().valueToTree(map);
    }

    /** What {@code Json.mapper().convertValue(tree, Map.class)} gives. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(ObjectNode tree) {
        try {
            return (Map<String, Object>) map((JsonNode) tree);
        } catch (Unusual e) {
            return Json.mapper().convertValue(tree, Map.class);
        }
    }

    /** A value the direct copy leaves to the mapper. */
    private static final class Unusual extends RuntimeException {
        private static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super(null, null, false, false);
        }
    }

    private static ObjectNode object(Map<?, ?> map) {
        ObjectNode node = Json.mapper().createObjectNode();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw Unusual.INSTANCE;
            }
            node.set(key, node(e.getValue()));
        }
        return node;
    }

    private static JsonNode node(Object value) {
        if (value instanceof String s) {
            return StringNode.valueOf(s);
        }
        if (value instanceof Map<?, ?> m) {
            return object(m);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = Json.mapper().createArrayNode();
            for (Object element : list) {
                array.add(node(element));
            }
            return array;
        }
        // The mapper's own nodes for the values JSON reads into, made directly.
        if (value instanceof Boolean b) {
            return BooleanNode.valueOf(b);
        }
        if (value instanceof Integer i) {
            return IntNode.valueOf(i);
        }
        if (value instanceof Long l) {
            return LongNode.valueOf(l);
        }
        if (value instanceof Double d) {
            return DoubleNode.valueOf(d);
        }
        if (value instanceof Number) {
            return Json.mapper()
                    .valueToTree(Collections.singletonMap("v", value))
                    .get("v");
        }
        throw Unusual.INSTANCE;
    }

    private static Object map(JsonNode node) {
        if (node.isString()) {
            String s = node.asString();
            if (!plainText(s)) {
                throw Unusual.INSTANCE;
            }
            return s;
        }
        if (node instanceof ObjectNode obj) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                map.put(e.getKey(), map(e.getValue()));
            }
            return map;
        }
        if (node instanceof ArrayNode array) {
            List<Object> list = new ArrayList<>(array.size());
            for (JsonNode element : array) {
                list.add(map(element));
            }
            return list;
        }
        // The values the mapper reads these nodes into, made directly.
        if (node instanceof BooleanNode b) {
            return b.booleanValue();
        }
        if (node instanceof IntNode i) {
            return i.intValue();
        }
        if (node instanceof LongNode l) {
            return l.longValue();
        }
        if (node instanceof DoubleNode d) {
            return d.doubleValue();
        }
        if (node.isNumber() || node.isBoolean()) {
            ObjectNode wrapped = Json.mapper().createObjectNode();
            wrapped.set("v", node);
            return Json.mapper().convertValue(wrapped, Map.class).get("v");
        }
        throw Unusual.INSTANCE;
    }

    /** Whether the strict reader reads a string as it is (see PlainTextDeserializer). */
    private static boolean plainText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                // printable ASCII, most of every bundle: none of the cases below
                continue;
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
