package io.kakunin.service.storage;

import io.kakunin.service.KakuninProperties;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.PGCopyOutputStream;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Rows written many at once, in the caller's transaction, the cheapest way the database takes
 * them. On PostgreSQL, from {@value #COPY_FROM} rows on, one {@code COPY … FROM STDIN (FORMAT
 * binary)} per table, through the driver of the pooled connection: the values go as they are
 * stored (no statement per row, no text to parse), in one stream. Fewer rows, and every row on
 * another database (H2), go as one batched {@code INSERT}: for a handful of rows a COPY's extra
 * round trip costs more than it saves.
 *
 * <p>A COPY is bounded like any statement ({@code kakunin.storage.statement-timeout}, set for
 * the transaction, since the driver's query timeout does not reach a COPY), and its failures are
 * translated as a statement's are (a key used twice is a {@code DuplicateKeyException}, a lost
 * connection a {@code DataAccessResourceFailureException}), so that {@link StoreFailures} and
 * {@link Idempotency} read them as they read any other.
 *
 * <p>Values: {@link String}, {@link UUID}, {@link Integer}, {@link OffsetDateTime} or
 * {@link Instant} (stored as {@code TIMESTAMP WITH TIME ZONE}), {@code byte[]}, or null.
 */
@Component
public class BulkInsert {

    /** The fewest rows written by a COPY. */
    static final int COPY_FROM = 8;

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** PostgreSQL's epoch for timestamps (2000-01-01T00:00Z), in microseconds after Java's. */
    private static final long POSTGRES_EPOCH_MICROS = ChronoUnit.MICROS.between(
            Instant.EPOCH,
            OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant());

    private final JdbcTemplate jdbc;
    private final long statementTimeoutMillis;

    BulkInsert(JdbcTemplate jdbc, KakuninProperties properties) {
        this.jdbc = jdbc;
        this.statementTimeoutMillis = properties.storage().statementTimeout().toMillis();
    }

    /** How rows were written. */
    public enum Way {
        NONE,
        COPY,
        BATCHED_INSERT
    }

    /**
     * Inserts rows into a table, in the transaction of the caller.
     *
     * @param columns the columns each row gives a value for, in order
     * @return how they were written
     */
    public Way insert(String table, List<String> columns, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return Way.NONE;
        }
        if (rows.size() >= COPY_FROM) {
            Boolean copied = jdbc.execute((ConnectionCallback<Boolean>) connection -> {
                if (!connection.isWrapperFor(PGConnection.class)) {
                    return false;
                }
                copy(connection, table, columns, rows);
                return true;
            });
            if (Boolean.TRUE.equals(copied)) {
                return Way.COPY;
            }
        }
        List<Object[]> values = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            Object[] jdbcRow = row.clone();
            for (int i = 0; i < jdbcRow.length; i++) {
                if (jdbcRow[i] instanceof Instant instant) {
                    jdbcRow[i] = instant.atOffset(ZoneOffset.UTC);
                }
            }
            values.add(jdbcRow);
        }
        jdbc.batchUpdate(
                "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                        + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")",
                values);
        return Way.BATCHED_INSERT;
    }

    private void copy(Connection connection, String table, List<String> columns, List<Object[]> rows)
            throws SQLException {
        try (Statement timeout = connection.createStatement()) {
            timeout.execute("SET LOCAL statement_timeout = " + statementTimeoutMillis);
        }
        CopyIn copy = connection
                .unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn("COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN (FORMAT binary)");
        try {
            DataOutputStream out = new DataOutputStream(new PGCopyOutputStream(copy, 64 * 1024));
            out.write(SIGNATURE);
            out.writeInt(0); // flags
            out.writeInt(0); // no header extension
            for (Object[] row : rows) {
                out.writeShort(row.length);
                for (Object value : row) {
                    write(out, value);
                }
            }
            out.writeShort(-1);
            out.flush();
            copy.endCopy();
        } catch (IOException e) {
            // The driver's stream wraps what failed (a lost connection, a cancelled COPY): that is the failure.
            if (e.getCause() instanceof SQLException failure) {
                throw failure;
            }
            throw new SQLException("COPY into " + table + " failed", "08006", e);
        } finally {
            if (copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException cancelFailed) {
                    // the failure that brought us here is the one to report
                }
            }
        }
    }

    private static void write(DataOutputStream out, Object value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
        } else if (value instanceof String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        } else if (value instanceof UUID id) {
            out.writeInt(16);
            out.writeLong(id.getMostSignificantBits());
            out.writeLong(id.getLeastSignificantBits());
        } else if (value instanceof Integer number) {
            out.writeInt(4);
            out.writeInt(number);
        } else if (value instanceof OffsetDateTime time) {
            write(out, time.toInstant());
        } else if (value instanceof Instant instant) {
            out.writeInt(8);
            out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, instant) - POSTGRES_EPOCH_MICROS);
        } else if (value instanceof byte[] bytes) {
            out.writeInt(bytes.length);
            out.write(bytes);
        } else {
            throw new IllegalArgumentException(
                    "no binary COPY form for " + value.getClass().getName());
        }
    }
}
