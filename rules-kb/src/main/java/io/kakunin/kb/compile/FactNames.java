package io.kakunin.kb.compile;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kakunin.kb.ruleset.NearestNames;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The facts a rule can read of a fact type, named as the API documentation names them (the JSON
 * properties of the request's schemas, which rules use as they are), and the nearest ones to a
 * name that is not among them: what an officer who misspelt a fact needs to read.
 */
final class FactNames {

    private static final String MODEL_PACKAGE = "io.kakunin.api.model.";
    private static final int SUGGESTIONS = 3;

    private FactNames() {}

    /**
     * What to say of a fact a constraint reads that its type does not have, with the nearest
     * facts it does have: {@code Product has no fact 'secureBot': did you mean 'secureBoot'?}.
     *
     * @param type the fact type as the compiler names it (a class name)
     */
    static String unknown(String type, String name) {
        String shown = type.substring(type.lastIndexOf('.') + 1).replace('$', '.');
        Set<String> facts = factsOf(type);
        List<String> nearest = nearest(name, facts);
        if (!nearest.isEmpty()) {
            return shown + " has no fact '" + name + "': did you mean " + either(nearest) + "?";
        }
        return shown + " has no fact '" + name + "'"
                + (type.startsWith(MODEL_PACKAGE)
                        ? "; the API documentation lists its facts under the schema " + shown
                        : facts.isEmpty() ? "" : "; it has " + either(new ArrayList<>(facts)));
    }

    /** The names a rule reads of a type: JSON properties for the request's schemas, else bean properties. */
    static Set<String> factsOf(String type) {
        Set<String> facts = new TreeSet<>();
        Class<?> c;
        try {
            c = Class.forName(type, false, FactNames.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return facts;
        }
        for (Method m : c.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())
                    || m.getParameterCount() != 0
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            JsonProperty json = m.getAnnotation(JsonProperty.class);
            if (json != null && !json.value().isEmpty()) {
                facts.add(json.value());
            } else if (!type.startsWith(MODEL_PACKAGE)) {
                String n = m.getName();
                if (n.startsWith("get") && n.length() > 3) {
                    facts.add(Character.toLowerCase(n.charAt(3)) + n.substring(4));
                } else if (n.startsWith("is") && n.length() > 2 && m.getReturnType() == boolean.class) {
                    facts.add(Character.toLowerCase(n.charAt(2)) + n.substring(3));
                }
            }
        }
        return facts;
    }

    private static List<String> nearest(String name, Set<String> candidates) {
        return NearestNames.of(name, candidates, SUGGESTIONS);
    }

    private static String either(List<String> names) {
        List<String> quoted = names.stream().map(n -> "'" + n + "'").toList();
        return quoted.size() == 1
                ? quoted.get(0)
                : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + quoted.get(quoted.size() - 1);
    }
}
