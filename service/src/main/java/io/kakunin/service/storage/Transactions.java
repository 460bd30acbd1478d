package io.kakunin.service.storage;

import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.Problems;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes in a transaction of their own, and what their failure means. Until the writes have
 * run, a failure leaves nothing stored: the transaction is rolled back, and a COMMIT was never
 * sent. Once they have run, the COMMIT is sent, and a failure from then on, whatever its class
 * (a lost reply, a broken connection, a {@code TransactionSystemException}), may have come after
 * the database committed: its outcome is unknown, and is said so.
 */
@Component
public class Transactions {

    /** The problem types of a store failure: the store's, never one request's. */
    private static final Set<String> OF_THE_STORE =
            Set.of(Problems.STORE_UNAVAILABLE, Problems.STORE_FULL, Problems.OUTCOME_UNKNOWN);

    private final TransactionTemplate transaction;
    private final StoreFailures failures;
    private final StoreHealth health;

    Transactions(TransactionTemplate transaction, StoreFailures failures, StoreHealth health) {
        this.transaction = transaction;
        this.failures = failures;
        this.health = health;
    }

    /**
     * Runs {@code writes} in one transaction and commits it.
     *
     * @param what what is written, for the answer when the outcome is unknown ("The store failed while committing
     *             this write")
     * @throws ApiProblem {@code outcome-unknown} when anything failed once the writes had run; {@code
     *                    store-unavailable} or {@code store-full} when the store failed before (nothing was stored)
     * @throws RuntimeException or {@link Error} the writes' own failure otherwise (rolled back: nothing was stored)
     */
    public void write(Runnable writes, String what) {
        AtomicBoolean committing = new AtomicBoolean();
        try {
            transaction.executeWithoutResult(status -> {
                writes.run();
                committing.set(true);
            });
            health.stored();
        } catch (RuntimeException | Error failure) {
            if (committing.get()) {
                throw failures.outcomeUnknown(failure, "The store failed while committing " + what);
            }
            if (StoreFailures.kind(failure) != null) {
                throw failures.notStored(failure);
            }
            if (failure instanceof TransactionSystemException rollback
                    && rollback.getApplicationException() instanceof RuntimeException writesFailed) {
                throw writesFailed; // the rollback failed too, on a connection the failure broke: nothing was committed
            }
            throw failure;
        }
    }

    /** Whether a failure of {@link #write} is the store's: retrying the writes one by one would meet it again. */
    public static boolean ofTheStore(Throwable failure) {
        return failure instanceof ApiProblem problem && OF_THE_STORE.contains(problem.slug());
    }

    /** Whether a failure of {@link #write} leaves the outcome unknown. */
    public static boolean outcomeUnknown(Throwable failure) {
        return failure instanceof ApiProblem problem && Problems.OUTCOME_UNKNOWN.equals(problem.slug());
    }
}
