package io.kakunin.kb.input;

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
 * Built once per evaluation by one walk of the generated model classes; pointer strings are
 * written only for the objects rules name.
 */
public final class PointerIndex {

    private static final String MODEL_PACKAGE = "io.kakunin.api.model";

    private record Property(String name, Method getter) {}

    private static final ClassValue<List<Property>> PROPERTIES = new ClassValue<>() {
        @Override
        protected List<Property> computeValue(Class<?> type) {
            List<Property> properties = new ArrayList<>();
            for (Method m : type.getMethods()) {
                JsonProperty json = m.getAnnotation(JsonProperty.class);
                if (json != null
                        && m.getParameterCount() == 0
                        && !Modifier.isStatic(m.getModifiers())
                        && m.getName().startsWith("get")
                        && mayHoldModel(m.getReturnType())) {
                    m.trySetAccessible();
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
                if (json != null
                        && m.getParameterCount() == 0
                        && !Modifier.isStatic(m.getModifiers())
                        && m.getName().startsWith("get")) {
                    m.trySetAccessible();
                    getters.put(json.value(), m);
                }
            }
            return Map.copyOf(getters);
        }
    };

    /** Where an object sits: under its parent, by property name or list index. */
    private record Link(Object parent, String property, int index) {}

    private final Object root;
    private final Map<Object, Link> links = new IdentityHashMap<>();
    private final Map<Object, String> pointers = new IdentityHashMap<>();
    private final List<String> nullElements = new ArrayList<>();

    /**
     * Indexes a request in one walk: where each object sits (its pointer is written out only
     * when a rule names it) and which list elements are null.
     */
    public PointerIndex(Object root) {
        this.root = root;
        pointers.put(root, "");
        index(root, null, null, -1);
    }

    /** The pointers of the null elements of lists anywhere in the request. */
    public List<String> nullElements() {
        return nullElements;
    }

    private void index(Object node, Object parent, String property, int position) {
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                if (item == null) {
                    nullElements.add(pointerOf(parent) + "/" + property + "/" + i);
                } else if (isModel(item.getClass())) {
                    links.put(item, new Link(parent, property, i));
                    children(item);
                }
                i++;
            }
            return;
        }
        if (node != null && isModel(node.getClass())) {
            if (parent != null) {
                links.put(node, new Link(parent, property, position));
            }
            children(node);
        }
    }

    private void children(Object node) {
        for (Property p : PROPERTIES.get(node.getClass())) {
            Object value = read(p, node);
            if (value != null) {
                index(value, node, p.name(), -1);
            }
        }
    }

    /**
     * Makes a derived fact (an item read from a STIX object, a finding) known under a pointer. An
     * item read from a STIX object has none of the item's own properties in the request: a fact
     * named relative to it ({@code /category}) is reported at the object itself.
     */
    public void register(Object node, String pointer) {
        pointers.put(node, pointer);
        if (node instanceof io.kakunin.api.model.SharedItem) {
            derivedItems.put(node, Boolean.TRUE);
        }
    }

    private final Map<Object, Boolean> derivedItems = new IdentityHashMap<>();

    /** The pointer of an object of the request; the root is the empty pointer. */
    public String pointerOf(Object node) {
        String pointer = pointers.get(node);
        if (pointer != null) {
            return pointer;
        }
        Link link = links.get(node);
        if (link == null) {
            throw new IllegalArgumentException("a rule named an object that is not part of the submitted facts: "
                    + node.getClass().getSimpleName());
        }
        pointer = pointerOf(link.parent()) + "/" + link.property() + (link.index() >= 0 ? "/" + link.index() : "");
        pointers.put(node, pointer);
        return pointer;
    }

    /** The pointer of a fact relative to an object: {@code pointerOf(node) + relative}. */
    public String resolve(Object node, String relative) {
        String base = pointerOf(node);
        if (relative == null || relative.isEmpty() || derivedItems.containsKey(node)) {
            return base;
        }
        return base + (relative.startsWith("/") ? relative : "/" + relative);
    }

    /**
     * The value of a fact relative to an object ({@code "/update/mechanism"}), or null when it or
     * anything on the way to it is absent.
     */
    public Object valueAt(Object node, String relative) {
        Object current = node;
        int from = 0;
        while (from < relative.length()) {
            int slash = relative.indexOf('/', from);
            int to = slash < 0 ? relative.length() : slash;
            String token = relative.substring(from, to);
            from = to + 1;
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
                throw new IllegalArgumentException("'" + token + "' is not a fact of "
                        + current.getClass().getSimpleName() + " (in " + relative + ")");
            }
            try {
                current = getter.invoke(current);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + relative, e);
            }
        }
        return current;
    }

    private static Object read(Property p, Object node) {
        try {
            return p.getter().invoke(node);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(
                    "cannot read " + p.name() + " of " + node.getClass().getSimpleName(), e);
        }
    }

    private static boolean isModel(Class<?> type) {
        return !type.isEnum() && type.getPackageName().equals(MODEL_PACKAGE);
    }

    private static boolean mayHoldModel(Class<?> type) {
        return Collection.class.isAssignableFrom(type) || isModel(type);
    }
}
