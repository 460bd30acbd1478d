package io.kakunin.service.storage;

import io.kakunin.service.ExecutorConfiguration;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.web.ApiProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Group commit: the writes of requests that arrive together are committed in one transaction,
 * so that one durable commit (an fsync on PostgreSQL, a store write on H2) serves many
 * requests instead of one each. A request still gets its answer only after its own write is
 * committed: 201 keeps meaning stored.
 *
 * <p>One writer, a loop on the {@linkplain ExecutorConfiguration#GROUP_COMMIT group-commit
 * executor}, takes what is queued and writes it. Whatever a write throws, an {@link Error}
 * included, fails only the requests of that group, each with that failure, and the writer goes
 * on with the next. If a group fails on something of one request's (a constraint it breaks, say
 * an Idempotency-Key used twice), each write of the group is retried in a transaction of its
 * own, so that the failure is only that request's; if it fails because of the store (unreachable,
 * timed out, its disk full, the commit failed), the whole group fails at once, since retrying
 * each write would make every request of the group wait for the store again. What each request
 * is told is {@link Transactions}': nothing was stored when the store failed before the COMMIT,
 * the outcome is unknown when the COMMIT itself failed.
 *
 * <p>No request waits longer than {@code kakunin.storage.commit-timeout}. One whose write the
 * writer has not taken by then withdraws it and is answered 503: nothing was stored. One whose
 * write the writer took but has not committed is answered 503 too, saying the outcome is
 * unknown: the write may still be committed, and a retry with the same Idempotency-Key settles
 * which. The writer itself waits no longer than the store's own timeouts (connection, statement,
 * network: see {@code kakunin.storage}), which are shorter.
 *
 * <p>The writer starts before the web server and stops after it: the requests the web server
 * finishes at shutdown are written, then the loop ends.
 */
@Component
public class GroupCommit implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    /** The most writes committed together. */
    static final int MAX_GROUP = 64;
    /** Started before the web server, stopped after it has finished its requests. */
    static final int PHASE = WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1024;

    private static final int QUEUED = 0;
    private static final int TAKEN = 1;
    private static final int WITHDRAWN = 2;

    /** One request's write; exactly one of the writer (taking it) and the request (withdrawing it) wins it. */
    private static final class Task {
        private final Runnable work;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final AtomicInteger state = new AtomicInteger(QUEUED);

        Task(Runnable work) {
            this.work = work;
        }

        boolean take() {
            return state.compareAndSet(QUEUED, TAKEN);
        }

        boolean withdraw() {
            return state.compareAndSet(QUEUED, WITHDRAWN);
        }
    }

    /** Queued by {@link #stop()}: the writer writes what was queued before it and ends. */
    private static final Task STOP = new Task(() -> {});

    private final Transactions transactions;
    private final StoreFailures failures;
    private final AsyncTaskExecutor executor;
    private final Duration timeout;
    private final int retryAfterSeconds;
    private final BlockingQueue<Task> queue = new ArrayBlockingQueue<>(4 * MAX_GROUP);
    private volatile boolean running;
    private volatile Future<?> writer;

    GroupCommit(
            Transactions transactions,
            StoreFailures failures,
            @Qualifier(ExecutorConfiguration.GROUP_COMMIT) AsyncTaskExecutor executor,
            KakuninProperties properties) {
        this.transactions = transactions;
        this.failures = failures;
        this.executor = executor;
        this.timeout = properties.storage().commitTimeout();
        this.retryAfterSeconds = failures.retryAfterSeconds();
    }

    /**
     * Runs a write in a committed transaction, shared with the writes of other requests; returns
     * once it is committed, and waits no longer than the commit timeout.
     *
     * @throws ApiProblem 503 when the write was not committed in time or the store failed (see the class)
     */
    public void commit(Runnable work) {
        Future<?> loop = writer;
        if (!running || loop == null || loop.isDone()) {
            throw ApiProblem.busy(
                    "The service is not storing records now (it is starting or stopping); nothing was stored. "
                            + "Retry after the Retry-After seconds.",
                    retryAfterSeconds);
        }
        Task task = new Task(work);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!queue.offer(task, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw notTaken();
            }
            task.done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw task.withdraw() ? notTaken() : notConfirmed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    task.withdraw()
                            ? "interrupted while waiting to store; nothing was stored"
                            : "interrupted while storing; the write may still be committed",
                    e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            // An Error of the write: its transaction was rolled back.
            throw new IllegalStateException("storing failed: " + e.getCause(), e.getCause());
        }
    }

    /** How many writes wait for the writer now. */
    int waiting() {
        return queue.size();
    }

    private ApiProblem notTaken() {
        return ApiProblem.busy(
                "The store did not take this write within " + timeout.toMillis() + " ms (it is busy or unreachable); "
                        + "nothing was stored. Retry after the Retry-After seconds.",
                retryAfterSeconds);
    }

    private ApiProblem notConfirmed() {
        return failures.outcomeUnknown(
                null, "The store did not confirm this write within " + timeout.toMillis() + " ms");
    }

    private void run() {
        boolean stopping = false;
        while (!stopping) {
            List<Task> taken = new ArrayList<>(MAX_GROUP);
            try {
                List<Task> group = new ArrayList<>(MAX_GROUP);
                group.add(queue.take());
                queue.drainTo(group, MAX_GROUP - 1);
                stopping = group.remove(STOP);
                for (Task task : group) {
                    if (task.take()) {
                        taken.add(task);
                    }
                }
                write(taken);
            } catch (InterruptedException e) {
                // Only the container interrupts the writer, when it gave up waiting for the loop to end.
                break;
            } catch (Throwable failure) {
                // Nothing ends the writer but a stop: later requests would wait for nothing.
                log.error(
                        "The group-commit writer failed on a group of {} writes; their requests get the failure, the writer goes on",
                        taken.size(),
                        failure);
                fail(taken, failure);
            }
        }
        List<Task> left = new ArrayList<>();
        queue.drainTo(left);
        left.stream()
                .filter(Task::take)
                .forEach(task -> task.done.completeExceptionally(ApiProblem.busy(
                        "The service is stopping; nothing was stored. Retry after the Retry-After seconds.",
                        retryAfterSeconds)));
    }

    private void write(List<Task> group) {
        if (group.isEmpty()) {
            return;
        }
        try {
            transactions.write(() -> group.forEach(t -> t.work.run()), "this write");
            group.forEach(t -> t.done.complete(null));
            return;
        } catch (Throwable groupFailure) {
            if (group.size() == 1 || ofTheStore(groupFailure)) {
                if (groupFailure instanceof Error) {
                    log.error(
                            "A group of {} writes failed with {}; each of its requests gets it, the writer goes on",
                            group.size(),
                            groupFailure.toString());
                }
                fail(group, groupFailure);
                return;
            }
        }
        // One request's write broke the group: each is written on its own, and fails on its own.
        for (int i = 0; i < group.size(); i++) {
            Task t = group.get(i);
            try {
                transactions.write(t.work, "this write");
                t.done.complete(null);
            } catch (Throwable failure) {
                t.done.completeExceptionally(failure);
                if (ofTheStore(failure)) {
                    // The store failed meanwhile: the rest fail with it now, not each after waiting for the store
                    // again.
                    fail(group.subList(i + 1, group.size()), failure);
                    return;
                }
            }
        }
    }

    private static void fail(List<Task> tasks, Throwable failure) {
        tasks.forEach(t -> t.done.completeExceptionally(failure));
    }

    /**
     * Whether a failure is the store's rather than one request's: it is unavailable, its disk is
     * full, a COMMIT failed (see {@link Transactions}), or the JVM failed ({@link Error}).
     * Retrying the writes of the group one by one would meet it again.
     */
    private static boolean ofTheStore(Throwable failure) {
        return failure instanceof Error || Transactions.ofTheStore(failure);
    }

    @Override
    public void start() {
        running = true;
        writer = executor.submit(this::run);
    }

    /** Writes what is queued, then ends the loop; waits for it at most the commit timeout, then interrupts it. */
    @Override
    public void stop() {
        running = false;
        Future<?> loop = writer;
        if (loop == null) {
            return;
        }
        try {
            if (queue.offer(STOP, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                loop.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("The group-commit writer did not end within {} ms; interrupting it", timeout.toMillis());
        }
        loop.cancel(true);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
