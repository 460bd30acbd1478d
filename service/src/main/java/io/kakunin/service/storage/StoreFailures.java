package io.kakunin.service.storage;

import io.kakunin.service.KakuninProperties;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.KnownFailures;
import io.kakunin.service.web.KnownFailures.Done;
import io.kakunin.service.web.Problems;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * What a failure of the store means for the client, said in one place: the store is
 * unavailable (it cannot be reached, refused the connection, did not answer in time, or closed
 * itself), its disk is full, or a COMMIT was sent and its outcome is unknown. Each is a
 * {@code 503} with {@code Retry-After} whose detail says exactly what is known: for a read,
 * that nothing could be read; for a write that failed before its COMMIT, that nothing was
 * stored; for one whose COMMIT failed, that it may be stored, and that a retry with the same
 * {@code Idempotency-Key} settles it. Never "nothing was stored" where it is not known.
 *
 * <p>The writers ({@link GroupCommit}, {@link Transactions}) know where a write failed and ask
 * for the answer that fits; failures met anywhere else (a read, the key lookup of a request)
 * reach the problem handler, which asks this class as one of the {@link KnownFailures}.
 */
@Component
public class StoreFailures implements KnownFailures {

    /** The kinds of failure that are the store's, not a request's. */
    public enum Kind {
        /** Cannot be reached, refused or dropped the connection, did not answer in time, or is closed. */
        UNAVAILABLE,
        /** Cannot write: the disk it writes to is full. */
        FULL
    }

    /** How long a client is told to wait when the disk is full: an operator has to free space. */
    private static final int FULL_RETRY_AFTER_SECONDS = 60;

    private final int retryAfterSeconds;
    private final StoreHealth health;

    StoreFailures(KakuninProperties properties, StoreHealth health) {
        this.retryAfterSeconds = retryAfterSeconds(properties.storage().commitTimeout());
        this.health = health;
    }

    /** The Retry-After of a store that is unavailable: the commit timeout, in whole seconds (1 to 60). */
    static int retryAfterSeconds(java.time.Duration commitTimeout) {
        return (int) Math.max(1, Math.min(60, commitTimeout.toSeconds()));
    }

    /** Whether a failure is the store's, and which kind; null when it is not (a request's own, or a bug). */
    public static Kind kind(Throwable failure) {
        Kind found = null;
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (diskFull(c)) {
                return Kind.FULL;
            }
            if (found == null && unavailable(c)) {
                found = Kind.UNAVAILABLE;
            }
            if (c instanceof TransactionSystemException rollback && rollback.getApplicationException() != null) {
                // The rollback failed after the writes had: what made the writes fail says more.
                Kind first = kind(rollback.getApplicationException());
                if (first == Kind.FULL) {
                    return first;
                }
            }
        }
        return found;
    }

    private static boolean diskFull(Throwable c) {
        if (c instanceof SQLException sql && "53100".equals(sql.getSQLState())) {
            return true; // PostgreSQL: disk_full
        }
        String message = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
        return c instanceof IOException
                && (message.contains("no space left on device") || message.contains("not enough space on the disk"));
    }

    private static boolean unavailable(Throwable c) {
        if (c instanceof DataAccessResourceFailureException
                || c instanceof TransactionSystemException // a transaction could not be committed or rolled back
                || c instanceof TransientDataAccessResourceException
                || c instanceof QueryTimeoutException
                || c instanceof CannotCreateTransactionException
                || c instanceof SQLTransientConnectionException
                || c instanceof SQLNonTransientConnectionException
                || c instanceof SQLRecoverableException
                || c instanceof SQLTimeoutException) {
            return true;
        }
        if (c instanceof SQLException sql) {
            String state = String.valueOf(sql.getSQLState());
            return state.startsWith("08") // connection exception
                    || state.startsWith("57P") // PostgreSQL: shut down, or cannot connect now
                    || state.startsWith("53") // PostgreSQL: insufficient resources (too many connections)
                    || state.equals("57014") // cancelled: the statement timeout
                    || sql.getErrorCode() == 90098 // H2: the database has been closed (after an I/O failure)
                    || sql.getErrorCode() == 90121 // H2: the database is being closed
                    || sql.getCause() instanceof IOException
                    || sql.getCause() != null && sql.getCause().getCause() instanceof IOException;
        }
        return false;
    }

    /** Whether a failure of the store says only that a statement was slow (cancelled past its timeout). */
    static boolean onlySlow(Throwable failure) {
        boolean slow = false;
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLNonTransientConnectionException
                    || c instanceof SQLTransientConnectionException
                    || c instanceof IOException
                    || c instanceof SQLException sql
                            && String.valueOf(sql.getSQLState()).startsWith("08")) {
                return false;
            }
            slow |= c instanceof QueryTimeoutException
                    || c instanceof SQLException sql && "57014".equals(sql.getSQLState());
        }
        return slow;
    }

    /**
     * What failed, in one short line for health details and logs: the innermost cause's class and
     * message, never a statement (a driver's message about a batch quotes the rows it wrote).
     */
    static String summary(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root instanceof java.sql.BatchUpdateException || root.getMessage() == null
                ? ""
                : ": " + root.getMessage().lines().findFirst().orElse("");
        String line = root.getClass().getSimpleName() + message;
        return line.length() <= 160 ? line : line.substring(0, 159) + "…";
    }

    /** The Retry-After of an unavailable store, in seconds. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * A write that failed before its COMMIT was sent, because of the store: nothing was stored.
     *
     * @param cause a failure whose {@link #kind} is not null
     */
    public ApiProblem notStored(Throwable cause) {
        health.failed(cause);
        ApiProblem problem = kind(cause) == Kind.FULL
                ? full("The store cannot write: its disk is full. Nothing was stored. Retry after the Retry-After "
                        + "seconds; the store takes writes again once an operator has freed space.")
                : unavailable("The store is unavailable (it cannot be reached, or did not answer in time); nothing was "
                        + "stored. Retry after the Retry-After seconds.");
        problem.initCause(cause);
        return problem;
    }

    /** A write whose COMMIT was sent (or may have been) and not confirmed: it may be stored, or not. */
    public ApiProblem outcomeUnknown(Throwable cause, String what) {
        ApiProblem problem = new ApiProblem(
                HttpStatus.SERVICE_UNAVAILABLE,
                Problems.OUTCOME_UNKNOWN,
                what + ": the outcome is unknown, it may be stored. Retry with the same Idempotency-Key: the retry "
                        + "answers with the record if it was stored and stores it if it was not (without a key, a retry "
                        + "may store it twice).");
        problem.headers().set(org.springframework.http.HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
        if (cause != null) {
            health.failed(cause);
            problem.initCause(cause);
        }
        return problem;
    }

    /**
     * What a write reads before it writes anything (the waivers an assessment is overlaid with):
     * a failure of the store there is answered as such, and says that nothing was stored, since
     * the write never began. Any other failure is thrown as it is.
     */
    public <T> T beforeWrite(Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            if (e instanceof ApiProblem || kind(e) == null) {
                throw e;
            }
            throw notStored(e);
        }
    }

    /** A failure of the store met anywhere else: on a read, or by a request that writes outside the writers. */
    @Override
    public Optional<ApiProblem> refusal(Throwable failure, Done done) {
        if (failure instanceof ApiProblem) {
            return Optional.empty();
        }
        Kind kind = kind(failure);
        if (kind == null) {
            return Optional.empty();
        }
        health.failed(failure);
        String what = switch (done) {
            case READ_ONLY -> "Nothing could be read.";
            case NOTHING -> "The request was not carried out: nothing was stored.";
            case MAYBE_CHANGED ->
                "Whether this request changed anything is unknown; retrying it is safe for POSTs with an "
                        + "Idempotency-Key.";
        };
        ApiProblem problem = kind == Kind.FULL
                ? full(
                        "The store cannot write: its disk is full. " + what
                                + " Retry after the Retry-After seconds; the store works again once an operator has freed space.")
                : unavailable("The store is unavailable (it cannot be reached, or did not answer in time). " + what
                        + " Retry after the Retry-After seconds.");
        problem.initCause(failure);
        return Optional.of(problem);
    }

    private ApiProblem unavailable(String detail) {
        ApiProblem problem = new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, Problems.STORE_UNAVAILABLE, detail);
        problem.headers().set(org.springframework.http.HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
        return problem;
    }

    private static ApiProblem full(String detail) {
        ApiProblem problem = new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, Problems.STORE_FULL, detail);
        problem.headers()
                .set(org.springframework.http.HttpHeaders.RETRY_AFTER, Integer.toString(FULL_RETRY_AFTER_SECONDS));
        return problem;
    }
}
