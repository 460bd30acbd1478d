package io.kakunin.bench;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The contract's model classes a request body can hold: a root and every class of the model
 * package reachable through its fields, element types of lists, sets and maps included. A
 * validator that builds its metadata up front is given exactly these, so that no class of a
 * request is left for it to discover (or to miss) while a request is read.
 */
final class ModelTypes {

    private static final String MODEL_PACKAGE = "io.kakunin.api.model";

    private ModelTypes() {}

    /** The model classes reachable from {@code roots}, roots included, in the order found. */
    static Set<Class<?>> reachableFrom(Class<?>... roots) {
        Set<Class<?>> found = new LinkedHashSet<>();
        Deque<Type> pending = new ArrayDeque<>();
        for (Class<?> root : roots) {
            pending.add(root);
        }
        while (!pending.isEmpty()) {
            Type type = pending.poll();
            if (type instanceof ParameterizedType parameterized) {
                pending.add(parameterized.getRawType());
                for (Type argument : parameterized.getActualTypeArguments()) {
                    pending.add(argument);
                }
                continue;
            }
            if (!(type instanceof Class<?> c) || !inModel(c) || c.isEnum() || !found.add(c)) {
                continue;
            }
            for (Class<?> k = c; k != null && inModel(k); k = k.getSuperclass()) {
                found.add(k);
                for (Field field : k.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        pending.add(field.getGenericType());
                    }
                }
            }
        }
        return found;
    }

    private static boolean inModel(Class<?> c) {
        return c.getPackageName().equals(MODEL_PACKAGE);
    }
}
