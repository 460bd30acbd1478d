package io.kakunin.service.storage;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;

/**
 * The WHERE clause of a listing, built from the filters given, every value a bound parameter.
 * Listings page newest first by id with a cursor. Used by the stores of the features, which
 * hold the SQL it is given.
 */
public final class Listing {

    private final List<String> conditions = new ArrayList<>();
    private final MapSqlParameterSource parameters = new MapSqlParameterSource();

    /** Adds {@code condition} (naming {@code :name}) when the value is given. */
    public Listing where(String condition, String name, Object value) {
        if (value != null) {
            conditions.add(condition);
            parameters.addValue(
                    name, value instanceof OffsetDateTime t ? t.withOffsetSameInstant(ZoneOffset.UTC) : value);
        }
        return this;
    }

    /** Only records after the cursor's, in the newest-first order. */
    public Listing after(String idColumn, String cursor) {
        return cursor == null ? this : where(idColumn + " < :cursor", "cursor", Cursor.parse(cursor));
    }

    /** {@code SELECT … FROM … WHERE … ORDER BY id DESC FETCH FIRST limit + 1 ROWS ONLY}: one row more tells whether a next page exists. */
    public String sql(String select, String idColumn, int limit) {
        parameters.addValue("limitPlusOne", limit + 1);
        return select + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions)) + " ORDER BY "
                + idColumn + " DESC FETCH FIRST :limitPlusOne ROWS ONLY";
    }

    /** {@code SELECT COUNT(*) FROM … WHERE …}: how many records the listing has in all, for a job's progress. */
    public String count(String select) {
        return select + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions));
    }

    public MapSqlParameterSource parameters() {
        return parameters;
    }

    /** The page and the cursor of the next, from rows fetched with one row more than the limit. */
    public static <T> Page<T> page(List<T> rows, int limit, Function<T, UUID> id) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> page = rows.subList(0, limit);
        return new Page<>(page, Cursor.after(id.apply(page.get(limit - 1))));
    }
}
