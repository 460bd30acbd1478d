package io.kakunin.service.storage;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

/**
 * Which failures leave a pooled connection useless, besides those the pool knows (PostgreSQL's
 * connection errors, SQLState 08): after an I/O failure (a full disk, say) the embedded H2
 * database closes itself, and every connection to it answers "the database has been closed"
 * from then on, with an SQLState the pool does not know. Such a connection is dropped, so that
 * the next one opens the database again once it can: H2 recovers without a restart when space
 * is back. Configured as {@code spring.datasource.hikari.exception-override-class-name}.
 */
public class BrokenConnections implements SQLExceptionOverride {

    @java.lang.Override
    public Override adjudicate(SQLException failure) {
        if (failure instanceof SQLNonTransientConnectionException
                || failure.getErrorCode() == 90098 // H2: the database has been closed
                || failure.getErrorCode() == 90121) { // H2: the database is being closed
            return Override.MUST_EVICT;
        }
        for (Throwable c = failure.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
