package io.kakunin.service.console;

import io.kakunin.service.web.ApiProblem;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The filter forms of the console's listings, read as the API reads its query: a blank field
 * filters nothing, a choice must be one of the contract's values (else the API's field problem),
 * and a day of {@code createdFrom}/{@code createdTo} stands for the whole day in UTC. The form's
 * values go back to the page as they were entered.
 */
final class Filters {

    private final Map<String, String> shown = new LinkedHashMap<>();

    /** A text field: null when blank. */
    String text(String field, String value) {
        shown.put(field, value == null ? "" : value);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A choice among an enumeration of the contract: null when blank, the API's 400 problem when unknown. */
    <E> E choice(String field, String value, Function<String, E> fromValue, E[] values) {
        String text = text(field, value);
        if (text == null) {
            return null;
        }
        try {
            return fromValue.apply(text);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(
                    field,
                    "must be one of "
                            + Arrays.stream(values).map(String::valueOf).collect(Collectors.joining(", ")));
        }
    }

    /** The start of a day, in UTC: where {@code createdFrom} starts. */
    OffsetDateTime from(String field, LocalDate day) {
        shown.put(field, day == null ? "" : day.toString());
        return day == null ? null : day.atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    /** The end of a day, in UTC: where {@code createdTo} ends (exclusive). */
    OffsetDateTime until(String field, LocalDate day) {
        shown.put(field, day == null ? "" : day.toString());
        return day == null ? null : day.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    /** The fields as entered, for the form on the page. */
    Map<String, String> shown() {
        return Map.copyOf(shown);
    }
}
