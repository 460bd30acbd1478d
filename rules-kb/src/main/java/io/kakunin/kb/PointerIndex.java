package io.kakunin.kb;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Knows where each object of a submitted request sits in it, as a JSON Pointer, so a rule can
 * name a fact relative to the object it matched ({@code $service}, {@code "/authRequired"}) and
 * the verdict still points into the request ({@code /products/0/networkServices/2/authRequired}).
 * Built once per evaluation, on first use, by walking the generated model classes.
 */
final class PointerIndex {

    private static final String MODEL_PACKAGE = "io.kakunin.api.model";

    private record Property(String name, Method getter) {
    }

    private static final ClassValue<List<Property>> PROPERTIES = new ClassValue<>() {
        @Override
        protected List<Property> computeValue(Class<?> type) {
            List<Property> properties = new ArrayList<>();
            for (Method m : type.getMethods()) {
                JsonProperty json = m.getAnnotation(JsonProperty.class);
                if (json != null && m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())
                        && m.getName().startsWith("get") && mayHoldModel(m.getReturnType())) {
                    properties.add(new Property(json.value(), m));
                }
            }
            return List.copyOf(properties);
        }
    };

    /** Every JSON property of a model class, by name, for reading a fact at a pointer. */
    private static final ClassValue<Map<String, Method>> GETTERS = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            Map<String, Method> getters = new java.util.HashMap<>();
            for (Method m : type.getMethods()) {
                JsonProperty json = m.getAnnotation(JsonProperty.class);
                if (json != null && m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()) && m.getName().startsWith("get")) {
                    getters.put(json.value(), m);
                }
            }
            return Map.copyOf(getters);
        }
    };

    private final Object root;
    private Map<Object, String> pointers;

    PointerIndex(Object root) {
        this.root = root;
    }

    /** Makes a derived fact (an item read from a STIX object, a finding) known under a pointer. */
    void register(Object node, String pointer) {
        if (pointers == null) {
            pointers = new IdentityHashMap<>();
            walk(root, "");
        }
        pointers.put(node, pointer);
    }

    /** The pointer of an object of the request; the root is the empty pointer. */
    String pointerOf(Object node) {
        if (pointers == null) {
            pointers = new IdentityHashMap<>();
            walk(root, "");
        }
        String pointer = pointers.get(node);
        if (pointer == null) {
            throw new IllegalArgumentException("a rule named an object that is not part of the submitted facts: " + node.getClass().getSimpleName());
        }
        return pointer;
    }

    /** The pointer of a fact relative to an object: {@code pointerOf(node) + relative}. */
    String resolve(Object node, String relative) {
        String base = pointerOf(node);
        if (relative == null || relative.isEmpty()) {
            return base;
        }
        return base + (relative.startsWith("/") ? relative : "/" + relative);
    }

    /**
     * The value of a fact relative to an object ({@code "/update/mechanism"}), or null when it or
     * anything on the way to it is absent.
     */
    Object valueAt(Object node, String relative) {
        Object current = node;
        for (String token : relative.split("/")) {
            if (token.isEmpty()) {
                continue;
            }
            if (current == null) {
                return null;
            }
            if (current instanceof List<?> list) {
                int i = Integer.parseInt(token);
                current = i < list.size() ? list.get(i) : null;
                continue;
            }
            Method getter = GETTERS.get(current.getClass()).get(token);
            if (getter == null) {
                throw new IllegalArgumentException("'" + token + "' is not a fact of " + current.getClass().getSimpleName() + " (in " + relative + ")");
            }
            try {
                current = getter.invoke(current);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + relative, e);
            }
        }
        return current;
    }

    private void walk(Object node, String pointer) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, pointer + "/" + i++);
            }
            return;
        }
        if (!isModel(node.getClass())) {
            return;
        }
        pointers.put(node, pointer);
        for (Property p : PROPERTIES.get(node.getClass())) {
            walk(read(p, node), pointer + "/" + p.name());
        }
    }

    /** The pointers of every null element of a list anywhere in the request. */
    static List<String> nullElements(Object root) {
        List<String> found = new ArrayList<>();
        findNullElements(root, "", found);
        return found;
    }

    private static void findNullElements(Object node, String pointer, List<String> found) {
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                if (item == null) {
                    found.add(pointer + "/" + i);
                } else {
                    findNullElements(item, pointer + "/" + i, found);
                }
                i++;
            }
        } else if (node != null && isModel(node.getClass())) {
            for (Property p : PROPERTIES.get(node.getClass())) {
                findNullElements(read(p, node), pointer + "/" + p.name(), found);
            }
        }
    }

    private static Object read(Property p, Object node) {
        try {
            return p.getter().invoke(node);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + p.name() + " of " + node.getClass().getSimpleName(), e);
        }
    }

    private static boolean isModel(Class<?> type) {
        return !type.isEnum() && type.getPackageName().equals(MODEL_PACKAGE);
    }

    private static boolean mayHoldModel(Class<?> type) {
        return Collection.class.isAssignableFrom(type) || isModel(type);
    }
}
