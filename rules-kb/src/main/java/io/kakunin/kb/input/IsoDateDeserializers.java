package io.kakunin.kb.input;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * Dates and times as the contract writes them, and only so: a date is a string
 * {@code 2026-11-18}, a date and time a string with its offset
 * {@code 2026-11-18T02:10:00+09:00} (RFC 3339). Jackson would also take numbers (epoch
 * seconds) and arrays ({@code [2026,11,18]}); a request that sends those has misunderstood the
 * field, and is told so.
 */
public final class IsoDateDeserializers {

    /**
     * Four-digit years only, as RFC 3339 has them: java.time would also take {@code +10000-01-01}
     * and {@code -0001-01-01}, which other clients' date parsers then fail on when they read the
     * stored verdict back.
     */
    private static final java.util.regex.Pattern DATE = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private static final java.util.regex.Pattern DATE_TIME =
            java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");

    private IsoDateDeserializers() {}

    public static final class Date extends StdScalarDeserializer<LocalDate> {
        Date() {
            super(LocalDate.class);
        }

        @Override
        public LocalDate deserialize(JsonParser p, DeserializationContext ctxt) {
            return ReadFaults.orStepOver(p, ctxt, () -> read(p));
        }

        private LocalDate read(JsonParser p) {
            String text = text(p, InputFault.JsonType.DATE);
            try {
                if (!DATE.matcher(text).matches()) {
                    throw new DateTimeParseException("not YYYY-MM-DD", text, 0);
                }
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw new RejectedInputException(p, InputFault.Kind.NOT_A_DATE, LocalDate.class, "value", text);
            }
        }
    }

    public static final class DateTime extends StdScalarDeserializer<OffsetDateTime> {
        DateTime() {
            super(OffsetDateTime.class);
        }

        @Override
        public OffsetDateTime deserialize(JsonParser p, DeserializationContext ctxt) {
            return ReadFaults.orStepOver(p, ctxt, () -> read(p));
        }

        private OffsetDateTime read(JsonParser p) {
            String text = text(p, InputFault.JsonType.DATE_TIME);
            try {
                if (!DATE_TIME.matcher(text).lookingAt()) {
                    throw new DateTimeParseException("not RFC 3339", text, 0);
                }
                return OffsetDateTime.parse(text);
            } catch (DateTimeParseException e) {
                throw new RejectedInputException(
                        p, InputFault.Kind.NOT_A_DATE_TIME, OffsetDateTime.class, "value", text);
            }
        }
    }

    private static String text(JsonParser p, InputFault.JsonType expected) {
        if (!p.hasToken(JsonToken.VALUE_STRING)) {
            throw new RejectedInputException(
                    p,
                    InputFault.Kind.WRONG_TYPE,
                    String.class,
                    "expected",
                    expected,
                    "sent",
                    ReadFaults.sent(p.currentToken()));
        }
        return p.getString();
    }
}
