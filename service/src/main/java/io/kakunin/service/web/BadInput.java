package io.kakunin.service.web;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * The words for bad parameters and headers, and the helpers every refusal shares. Faults of a
 * body are {@code kb.input.InputFault}s, told by {@link Problems} in the caller's language.
 */
final class BadInput {

    private BadInput() {}

    static String enumValues(Class<?> type) {
        return String.join(
                ", ",
                Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList());
    }

    /** What a value of {@code type} looks like, in the words of the contract. */
    static String describe(Class<?> type) {
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class
                || type == BigInteger.class) return "a whole number within range";
        if (Number.class.isAssignableFrom(type) || type == BigDecimal.class || type == double.class) return "a number";
        if (type == String.class) return "a string";
        if (type == LocalDate.class) return "a date (YYYY-MM-DD)";
        if (type == OffsetDateTime.class) return "a date and time with offset (RFC 3339)";
        if (type == UUID.class) return "a UUID";
        if (Collection.class.isAssignableFrom(type) || type.isArray()) return "an array";
        if (Map.class.isAssignableFrom(type)) return "an object";
        return "an object (" + type.getSimpleName() + ")";
    }

    /** {@code products[0].networkServices[1].port} → {@code /products/0/networkServices/1/port}. */
    static String pointerOfProperty(String path) {
        // A constraint on the elements of a list ends in a node such as "<list element>": the element is the field.
        return "/"
                + path.replaceAll("\\.?<[^>]*>", "")
                        .replaceAll("\\[(\\d+)]", ".$1")
                        .replace('.', '/');
    }

    static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    static String abbreviate(String text) {
        return abbreviate(text, 300);
    }

    /** One line of at most {@code max} characters: what was sent may hold line breaks and control characters. */
    static String abbreviate(String text, int max) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
        return oneLine.length() > max ? oneLine.substring(0, max) + "…" : oneLine;
    }
}
