package io.kakunin.kb.input;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One fault of a request, as data: where (a JSON Pointer, or the name of a parameter), what kind,
 * and the facts its message needs (the value sent, what the contract allows). Its words, in each
 * language the API speaks, are {@link InputFaultTexts}'s; nothing here is text for people, so the
 * same fault can be told in English to a log and in Japanese to a caller.
 *
 * @param pointer where the fault is: a JSON Pointer into the body ({@code ""} for the body itself)
 * @param kind    what is wrong
 * @param facts   the values its message names, by placeholder ({@code value}, {@code allowed}, {@code max}...)
 */
public record InputFault(String pointer, Kind kind, Map<String, String> facts) {

    /** What can be wrong with a field of a request; each has its sentence in every language. */
    public enum Kind {
        // What the reader finds.
        /** A member the object does not define ({@code name}, {@code known}). */
        UNKNOWN_FIELD,
        /** A value of another JSON type than the field's ({@code expected}, {@code sent}). */
        WRONG_TYPE,
        /** A value the field's list of values does not hold ({@code value}, {@code allowed}). */
        NOT_ALLOWED,
        /** A string that is not a day that exists, written YYYY-MM-DD ({@code value}). */
        NOT_A_DATE,
        /** A string that is not an RFC 3339 date and time with its offset ({@code value}). */
        NOT_A_DATE_TIME,
        /** A whole number the field cannot hold ({@code value}, {@code min}, {@code max}). */
        OUT_OF_RANGE,
        /** A string holding a control character ({@code codePoint}, {@code position}, 1-based). */
        CONTROL_CHARACTER,
        /** A string holding half of a surrogate pair ({@code codePoint}, {@code position}, 1-based). */
        LONE_SURROGATE,
        /** A list declared to hold each value once that repeats one. */
        REPEATED_VALUE,
        /** An array longer than the service reads ({@code max}). */
        TOO_MANY_ELEMENTS,
        /** JSON {@code null} where a value must be. */
        NULL_NOT_ALLOWED,
        /** A string longer than the service reads in one string ({@code max}). */
        STRING_TOO_LONG,
        /** A number with more digits than the service reads ({@code max}). */
        NUMBER_TOO_LONG,
        /** A member name longer than the service reads ({@code max}). */
        NAME_TOO_LONG,
        /** Objects and arrays nested deeper than the service reads ({@code max}). */
        TOO_DEEP,
        /** Bytes that are not well-formed UTF-8 ({@code offset}, 0-based, in the body). */
        INVALID_UTF8,
        /** Text that is not JSON ({@code line}, {@code column}, {@code what}: a {@link Malformed}). */
        MALFORMED_JSON,
        /** No JSON object where the body must be one. */
        BODY_REQUIRED,
        // What the contract's constraints find in what was read.
        /** A required member that is absent. */
        REQUIRED,
        /** A string that does not match the contract's pattern ({@code pattern}). */
        PATTERN,
        /** A string shorter or longer than the contract allows ({@code min} and/or {@code max}, in characters). */
        LENGTH,
        /** An array with fewer or more elements than the contract allows ({@code min} and/or {@code max}). */
        ELEMENTS,
        /** A number below the contract's minimum ({@code min}). */
        TOO_SMALL,
        /** A number above the contract's maximum ({@code max}). */
        TOO_LARGE,
        /** Any other constraint of the contract ({@code message}, in English). */
        INVALID
    }

    /** What kind of text is not JSON, for {@link Kind#MALFORMED_JSON}'s {@code what}. */
    public enum Malformed {
        /** The text ends inside a value. */
        END_OF_INPUT,
        /** A character no JSON value can hold there ({@code character}). */
        UNEXPECTED_CHARACTER,
        /** A word that is not a JSON value ({@code token}: NaN, Infinity, a bare word). */
        NOT_A_VALUE,
        /** A member given twice in one object ({@code name}). */
        DUPLICATE_FIELD,
        /** More text after the one JSON value. */
        TRAILING_CONTENT,
        /** A raw control character (a line break) inside a string. */
        CONTROL_IN_STRING,
        /** A backslash escape JSON does not define. */
        BAD_ESCAPE,
        /** Anything else. */
        OTHER
    }

    /** The JSON types a field can expect or be sent, for {@link Kind#WRONG_TYPE}. */
    public enum JsonType {
        STRING,
        WHOLE_NUMBER,
        NUMBER,
        FRACTION,
        BOOLEAN,
        ARRAY,
        OBJECT,
        NULL,
        DATE,
        DATE_TIME,
        UUID,
        ENUM
    }

    public InputFault {
        facts = Map.copyOf(facts);
    }

    /** A fault of the given kind; {@code facts} alternates placeholder names and values. */
    public static InputFault of(String pointer, Kind kind, Object... facts) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < facts.length; i += 2) {
            if (facts[i + 1] != null) {
                map.put(String.valueOf(facts[i]), value(facts[i + 1]));
            }
        }
        return new InputFault(pointer == null ? "" : pointer, kind, map);
    }

    private static String value(Object fact) {
        if (fact instanceof Enum<?> e) {
            return e.name();
        }
        if (fact instanceof List<?> list) {
            return String.join(", ", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(fact);
    }

    /** The same fault at another place (a fault found below a value, placed under it). */
    public InputFault at(String newPointer) {
        return new InputFault(newPointer, kind, facts);
    }

    /** The same fault with one more fact. */
    public InputFault with(String name, Object fact) {
        Map<String, String> more = new LinkedHashMap<>(facts);
        more.put(name, value(fact));
        return new InputFault(pointer, kind, more);
    }

    /** The same fault without one fact (a value that is not to be repeated). */
    public InputFault without(String name) {
        Map<String, String> fewer = new LinkedHashMap<>(facts);
        fewer.remove(name);
        return new InputFault(pointer, kind, fewer);
    }

    /** The fault's sentence in English, as the engine's tools print it. */
    public String english() {
        return InputFaultTexts.detail(this, Locale.ENGLISH);
    }
}
