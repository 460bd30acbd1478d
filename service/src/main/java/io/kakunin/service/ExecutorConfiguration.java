package io.kakunin.service;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Every thread the service runs besides the web server's, in one place: each pool is a bean, so
 * the container starts it and shuts it down. At shutdown, after the web server has finished the
 * requests in progress, each pool stops taking work and finishes what it has, for a bounded
 * time. The threads are daemons: the context's shutdown is what waits for them, never the JVM.
 *
 * <p>Nothing in the service creates a thread or an executor of its own; inject one of these by
 * its name.
 */
@Configuration(proxyBeanMethods = false)
public class ExecutorConfiguration {

    /** The single writer of the group commit ({@code storage.GroupCommit}). */
    public static final String GROUP_COMMIT = "groupCommitExecutor";
    /** Reads, validates, evaluates and serialises the lines of a batch: one thread per core. */
    public static final String BATCH = "batchExecutor";
    /** Stores the chunks of a batch (a transaction each) while the batch's other chunks are evaluated. */
    public static final String BATCH_STORE = "batchStoreExecutor";
    /** Loads, compiles and activates rulesets, one at a time, off the request path. */
    public static final String RULESET_LOADER = "rulesetLoaderExecutor";
    /** Runs a ruleset's fixtures in parallel, on every core. */
    public static final String FIXTURES = "fixtureExecutor";
    /** Watches the rules directory. */
    public static final String RULESET_WATCHER = "rulesetWatcherExecutor";
    /** Warms the ruleset compiler up in the background, at the lowest priority. */
    public static final String RULESET_WARM_UP = "rulesetWarmUpExecutor";

    /** Runs impact preview jobs, one at a time; the others queue. */
    public static final String IMPACT = "impactExecutor";

    private static final int CORES = Math.max(1, Runtime.getRuntime().availableProcessors());

    /** The writer finishes the writes queued when it stops (see GroupCommit), so its loop ends on its own. */
    @Bean(GROUP_COMMIT)
    ThreadPoolTaskExecutor groupCommitExecutor() {
        return pool("kakunin-group-commit-", 1, 10);
    }

    /** A batch's request finishes its chunk before the web server lets it go: the pool waits for its lines. */
    @Bean(BATCH)
    ThreadPoolTaskExecutor batchExecutor() {
        return pool("kakunin-batch-", CORES, 30);
    }

    /**
     * One chunk of a batch is stored at a time, after the one before it: a thread per batch being
     * stored, so that two batches do not wait for each other's commits. Waits no longer than a
     * commit (the store's own timeouts bound it).
     */
    @Bean(BATCH_STORE)
    ThreadPoolTaskExecutor batchStoreExecutor() {
        return pool("kakunin-batch-store-", CORES, 30);
    }

    /** A load in progress at shutdown completes (its activation is recorded); a compile takes seconds. */
    @Bean(RULESET_LOADER)
    ThreadPoolTaskExecutor rulesetLoaderExecutor() {
        return pool("kakunin-ruleset-loader-", 1, 30);
    }

    @Bean(FIXTURES)
    ThreadPoolTaskExecutor fixtureExecutor() {
        return pool("kakunin-fixtures-", CORES, 30);
    }

    /** The watcher's loop ends when the watcher stops (it closes its watch service). */
    @Bean(RULESET_WATCHER)
    ThreadPoolTaskExecutor rulesetWatcherExecutor() {
        return pool("kakunin-ruleset-watcher-", 1, 5);
    }

    /**
     * A warm-up compiles only to discard the result: at shutdown it is interrupted and not waited
     * for, since a compile in progress would hold the shutdown up for seconds for nothing.
     */
    @Bean(RULESET_WARM_UP)
    ThreadPoolTaskExecutor rulesetWarmUpExecutor() {
        ThreadPoolTaskExecutor executor = pool("kakunin-ruleset-warm-up-", 1, 0);
        executor.setThreadPriority(Thread.MIN_PRIORITY);
        executor.setWaitForTasksToCompleteOnShutdown(false);
        return executor;
    }

    /**
     * An impact preview is not kept across a restart (its job lives in memory), so at shutdown the
     * running one is interrupted and not waited for: it would hold the shutdown up for nothing.
     */
    @Bean(IMPACT)
    ThreadPoolTaskExecutor impactExecutor() {
        ThreadPoolTaskExecutor executor = pool("kakunin-impact-", 1, 0);
        executor.setWaitForTasksToCompleteOnShutdown(false);
        return executor;
    }

    private static ThreadPoolTaskExecutor pool(String prefix, int threads, int awaitTerminationSeconds) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix(prefix);
        executor.setCorePoolSize(threads);
        executor.setMaxPoolSize(threads);
        executor.setDaemon(true);
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.setAwaitTerminationSeconds(awaitTerminationSeconds);
        return executor;
    }
}
