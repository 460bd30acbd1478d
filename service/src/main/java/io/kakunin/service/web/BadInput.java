package io.kakunin.service.web;

import io.kakunin.kb.input.RejectedInputException;
import io.kakunin.kb.input.StrictUtf8;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * The words for bad input: which field a reading error is about (a JSON Pointer) and what is
 * wrong with it, said the same way wherever a request is read. What may be repeated of it is
 * decided by {@link Problems}, which is the only caller of {@link #describe(JacksonException)}.
 */
final class BadInput {

    private BadInput() {}

    /**
     * Jackson names the setting behind a limit by its Java method ("exceeds the maximum allowed
     * (64, from `StreamReadConstraints.getMaxNumberLength()`)"); a caller needs the limit, not the
     * parser's API.
     */
    static String withoutConstraintNames(String message) {
        return message.replaceAll("\\s*\\(from `[^`]*`\\)", "").replaceAll(",?\\s*from `[^`]*`", "");
    }

    /** The field and the explanation of a JSON reading error, quoting what was sent where that helps. */
    static FieldProblem describe(JacksonException e) {
        String pointer = pointer(e.getPath());
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StrictUtf8.MalformedUtf8Exception malformed) {
                // The reader fails inside the value it was reading: its parser knows where.
                String at = pointer.isEmpty() && e.processor() instanceof tools.jackson.core.JsonParser parser
                        ? parser.streamReadContext().pathAsPointer().toString()
                        : pointer;
                return new FieldProblem(
                        at,
                        "holds bytes that are not well-formed UTF-8 (at byte " + malformed.offset() + " of the body): "
                                + malformed
                                        .getMessage()
                                        .substring(malformed.getMessage().indexOf(": ") + 2)
                                + "; send the text as UTF-8, each character in its shortest form");
            }
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new FieldProblem(pointer, "is not a field of this object" + knownFields(unknown));
        }
        if (e instanceof StreamConstraintsException limit) {
            return new FieldProblem(
                    pointer,
                    "exceeds a limit of this service: "
                            + abbreviate(withoutConstraintNames(limit.getOriginalMessage())));
        }
        if (e instanceof ArrayLimits.ArrayTooLongException tooLong) {
            return new FieldProblem(tooLong.pointer(), tooLong.getOriginalMessage());
        }
        if (e instanceof RejectedInputException rejected) {
            return new FieldProblem(pointer, abbreviate(rejected.getOriginalMessage()));
        }
        if (e instanceof InputCoercionException coercion) {
            // Valid JSON: a number past what the field's type holds.
            java.util.regex.Matcher number = java.util.regex.Pattern.compile("\\(([-+0-9.eE]{1,80})\\)")
                    .matcher(String.valueOf(coercion.getOriginalMessage()));
            return new FieldProblem(
                    pointer,
                    (number.find() ? "'" + abbreviate(number.group(1)) + "' is out of range: " : "is out of range: ")
                            + "must be "
                            + (coercion.getTargetType() == null
                                    ? "a smaller number"
                                    : describe(coercion.getTargetType())));
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            Class<?> target = mismatch.getTargetType();
            Object sent = e instanceof InvalidFormatException invalid ? invalid.getValue() : null;
            // A number past what any number type holds (1e309) is read as Infinity: the caller never wrote that.
            String value = sent instanceof Double d && (d.isInfinite() || d.isNaN())
                            || sent instanceof Float f && (f.isInfinite() || f.isNaN())
                    ? "a number too large to be read "
                    : sent != null ? "'" + abbreviate(String.valueOf(sent)) + "' " : "";
            if (target.isEnum()) {
                return new FieldProblem(
                        pointer,
                        (value.isEmpty() ? "unknown value" : "unknown value " + value.strip()) + "; allowed: "
                                + enumValues(target));
            }
            return new FieldProblem(
                    pointer, (value.isEmpty() ? "" : value + "is not valid: ") + "must be " + describe(target));
        }
        if (e instanceof ValueInstantiationException instantiation
                && instantiation.getType() != null
                && instantiation.getType().isEnumType()) {
            return new FieldProblem(
                    pointer,
                    "unknown value; allowed: "
                            + enumValues(instantiation.getType().getRawClass()));
        }
        if (e instanceof StreamReadException read) {
            String where = read.getLocation() == null
                    ? ""
                    : " at line " + read.getLocation().getLineNr() + ", column "
                            + read.getLocation().getColumnNr();
            return new FieldProblem(
                    pointer,
                    "malformed JSON" + where + ": " + abbreviate(withoutSourceNoise(read.getOriginalMessage())));
        }
        // The value could not be turned into the target type (for example an enum factory refused it).
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Throwable root = rootCause(e);
        if (root instanceof IllegalArgumentException && root != e && root.getMessage() != null) {
            original = root.getMessage();
        }
        return new FieldProblem(pointer, abbreviate(original));
    }

    /** {@code "; known fields: a, b"}, or nothing when the reader does not know them. */
    static String knownFields(UnrecognizedPropertyException unknown) {
        Collection<Object> known = unknown.getKnownPropertyIds();
        return known == null || known.isEmpty()
                ? ""
                : "; known fields: "
                        + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    /** Jackson appends where a token started, as a redacted source; the line and column say it better. */
    private static String withoutSourceNoise(String message) {
        return message == null
                ? ""
                : message.replaceAll("\\s*\\(start marker at \\[Source:.*$", "").replaceAll("\\s*at \\[Source:.*$", "");
    }

    static String enumValues(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
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

    /** The JSON Pointer of a Jackson path: {@code /products/0/defaultPasswordPolicy}. */
    static String pointer(List<JacksonException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref : path) {
            if (ref.getPropertyName() != null) {
                sb.append('/').append(ref.getPropertyName().replace("~", "~0").replace("/", "~1"));
            } else if (ref.getIndex() >= 0) {
                sb.append('/').append(ref.getIndex());
            }
        }
        return sb.toString();
    }

    /** {@code products[0].networkServices[1].port} → {@code /products/0/networkServices/1/port}. */
    static String pointerOfProperty(String path) {
        return "/" + path.replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
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
