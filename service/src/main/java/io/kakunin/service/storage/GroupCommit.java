package io.kakunin.service.storage;

import jakarta.annotation.PreDestroy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit: the writes of requests that arrive together are committed in one transaction,
 * so that one durable commit (an fsync on PostgreSQL, a store write on H2) serves many
 * requests instead of one each. A request still gets its answer only after its own write is
 * committed: 201 keeps meaning stored. If a group fails (one request's write breaks a
 * constraint, say an Idempotency-Key used twice), each write of the group is retried in a
 * transaction of its own, so that one request's failure is only its own.
 */
@Component
public class GroupCommit {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    /** The most writes committed together. */
    static final int MAX_GROUP = 64;

    private record Task(Runnable work, CompletableFuture<Void> done) {
    }

    private final TransactionTemplate transaction;
    private final BlockingQueue<Task> queue = new ArrayBlockingQueue<>(4 * MAX_GROUP);
    private final Thread writer;
    private volatile boolean running = true;

    GroupCommit(TransactionTemplate transaction) {
        this.transaction = transaction;
        this.writer = new Thread(this::run, "kakunin-group-commit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Runs a write in a committed transaction, shared with the writes of other requests; returns once it is committed. */
    public void commit(Runnable work) {
        Task task = new Task(work, new CompletableFuture<>());
        try {
            queue.put(task);
            task.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void run() {
        List<Task> group = new ArrayList<>(MAX_GROUP);
        while (running) {
            try {
                group.clear();
                group.add(queue.take());
                queue.drainTo(group, MAX_GROUP - 1);
                write(group);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("The group-commit writer failed", e);
                group.forEach(t -> t.done().completeExceptionally(e));
            }
        }
    }

    private void write(List<Task> group) {
        try {
            transaction.executeWithoutResult(status -> group.forEach(t -> t.work().run()));
            group.forEach(t -> t.done().complete(null));
        } catch (RuntimeException groupFailure) {
            if (group.size() == 1) {
                group.get(0).done().completeExceptionally(groupFailure);
                return;
            }
            for (Task t : group) {
                try {
                    transaction.executeWithoutResult(status -> t.work().run());
                    t.done().complete(null);
                } catch (RuntimeException e) {
                    t.done().completeExceptionally(e);
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        writer.interrupt();
    }
}
