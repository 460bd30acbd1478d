package io.kakunin.service.web;

import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * The {@code return} preference of RFC 7240 ({@code Prefer: return=minimal}), read the one way for
 * every operation that honours it: the POSTs that create a record answer its summary instead of
 * the record. Preferences are comma-separated, each a token with an optional value and
 * parameters after {@code ;}; names and the {@code return} values are compared without case, a
 * value may be quoted, and only the first {@code return} counts (RFC 7240, section 2). Anything
 * else (another preference, a value this service does not know, a malformed one) is ignored, as
 * the RFC asks: a preference never makes a request fail.
 */
public enum ReturnPreference {
    REPRESENTATION,
    MINIMAL;

    /** The preference the header values express; {@link #REPRESENTATION} when none does. */
    public static ReturnPreference of(String prefer) {
        if (prefer == null) {
            return REPRESENTATION;
        }
        for (String preference : prefer.split(",")) {
            String nameAndValue = preference.split(";", 2)[0];
            int equals = nameAndValue.indexOf('=');
            String name = (equals < 0 ? nameAndValue : nameAndValue.substring(0, equals)).strip();
            if (!name.equalsIgnoreCase("return")) {
                continue;
            }
            String value = equals < 0 ? "" : nameAndValue.substring(equals + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "minimal" -> MINIMAL;
                default -> REPRESENTATION;
            };
        }
        return REPRESENTATION;
    }

    /**
     * Marks an answer as shaped by the preference: {@code Vary: Prefer} always (a cache must not
     * serve one shape for the other), and {@code Preference-Applied} when the summary is sent.
     */
    public <B extends ResponseEntity.HeadersBuilder<B>> B mark(B response) {
        response.header(HttpHeaders.VARY, "Prefer");
        if (this == MINIMAL) {
            response.header("Preference-Applied", "return=minimal");
        }
        return response;
    }
}
