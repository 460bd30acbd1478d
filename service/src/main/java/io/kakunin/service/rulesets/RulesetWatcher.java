package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetTrigger;
import io.kakunin.service.ExecutorConfiguration;
import io.kakunin.service.KakuninProperties;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Watches the rules directory (every folder below it) and has the publisher load it once the
 * directory has stayed unchanged for the quiet period, so that an editor's save or a copy of
 * many files is loaded once, complete. Changes that arrive while a load runs are loaded after
 * it.
 *
 * <p>A directory replaced as a whole is noticed at once and watched anew: the folder that holds
 * the configured path is watched for changes of that one entry, and, should a file system not
 * report them, every second the configured path is resolved again. The folder it leads to is
 * compared with the one watched by its real path <em>and</em> its file key (device and inode),
 * because a watch follows the folder it was registered on, not the name. So are noticed a symbolic link switched
 * to another release ({@code ln -sfn release-2 live}), a folder moved into place under the same
 * name ({@code mv live live.old && mv release-2 live}), and a folder deleted and created again.
 * While the path leads nowhere (between two such moves) nothing is loaded and
 * {@link #watching()} says false.
 */
@Component
class RulesetWatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RulesetWatcher.class);
    /** How often the path is resolved again to notice that the directory was replaced. */
    static final long RECHECK_MILLIS = 1000;
    /**
     * Background compiles of the active ruleset after start, so that the first edit is compiled
     * warm: on 2 cores the n-th compile of ~330 rules in a JVM took 11.6, 3.5, 1.6, 1.2, 0.8 s
     * (under load); the start-up's is the first, an edit after the warm-up the fifth.
     */
    private static final int WARM_UP_ROUNDS = 3;

    /** The folder watched: where the configured path led when it was registered. */
    private record Target(Path realPath, Object fileKey) {}

    private final RulesetPublisher publisher;
    private final Path directory;
    private final boolean enabled;
    private final long quietMillis;
    private final AsyncTaskExecutor executor;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private volatile boolean running;
    /** Whether the folder the path leads to is registered (false while the path leads nowhere). */
    private volatile boolean registered;

    private volatile WatchService watcher;
    /** The watch loop, running on the watcher executor. */
    private volatile Future<?> loop;

    private Target watched;
    private WatchKey rootKey;
    /** The folder that holds the configured path: a link switched or a folder moved there shows at once. */
    private WatchKey parentKey;

    RulesetWatcher(
            RulesetPublisher publisher,
            KakuninProperties properties,
            @Qualifier(ExecutorConfiguration.RULESET_WATCHER) AsyncTaskExecutor executor) {
        this.publisher = publisher;
        this.executor = executor;
        this.directory = publisher.directory();
        this.enabled = directory != null && properties.rules().watch();
        Duration quiet = properties.rules().watchQuietPeriod();
        this.quietMillis = Math.max(0, quiet.toMillis());
    }

    /** Whether changes to the directory are being noticed now. */
    boolean watching() {
        Future<?> l = loop;
        return running && enabled && registered && l != null && !l.isDone();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        if (!enabled) {
            return;
        }
        try {
            watcher = FileSystems.getDefault().newWatchService();
            Path parent = directory.getParent();
            if (parent != null && Files.isDirectory(parent)) {
                parentKey = parent.register(
                        watcher,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
            registerAll();
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch the rules directory " + directory, e);
        }
        loop = executor.submit(this::run);
        log.info("Watching {} for ruleset changes (quiet period {} ms)", directory, quietMillis);
        publisher.warmUp(WARM_UP_ROUNDS);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                log.debug("Closing the watch service failed", e);
            }
        }
        if (loop != null) {
            // Interrupts a wait for a load or the pause after a failure; a closed watch service ends the loop anyway.
            loop.cancel(true);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Where the configured path leads now, or null when it leads nowhere. */
    private Target target() throws IOException {
        try {
            Path real = directory.toRealPath();
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
            if (!attributes.isDirectory()) {
                return null;
            }
            // Without file keys (rare file systems), the creation time tells a new folder from the old one.
            return new Target(real, attributes.fileKey() != null ? attributes.fileKey() : attributes.creationTime());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Watches the folder the path leads to now, and every folder below it (following links, skipping loops). */
    private void registerAll() throws IOException {
        keys.keySet().forEach(WatchKey::cancel);
        keys.clear();
        rootKey = null;
        registered = false;
        watched = null;
        Target now = target();
        if (now == null) {
            // Nothing to watch until the path leads to a folder again; the next check tries again.
            watched = null;
            return;
        }
        Files.walkFileTree(
                now.realPath(), EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
                            throws IOException {
                        WatchKey key = register(dir);
                        if (dir.equals(now.realPath())) {
                            rootKey = key;
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof FileSystemLoopException || e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
        watched = now;
        registered = true;
    }

    private WatchKey register(Path dir) throws IOException {
        WatchKey key = dir.register(
                watcher,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        keys.put(key, dir);
        return key;
    }

    private void run() {
        boolean dirty = false;
        long lastChange = 0;
        long lastRecheck = System.nanoTime();
        while (running) {
            try {
                long wait = dirty
                        ? Math.max(1, quietMillis - millisSince(lastChange))
                        : Math.max(1, RECHECK_MILLIS - millisSince(lastRecheck));
                WatchKey key = watcher.poll(wait, TimeUnit.MILLISECONDS);
                boolean pathChanged = false;
                while (key != null) {
                    if (key == parentKey) {
                        pathChanged |= namesThePath(key);
                    } else if (handle(key)) {
                        dirty = true;
                        lastChange = System.nanoTime();
                    }
                    key = watcher.poll();
                }
                // The path is resolved again every second, and at once when its own entry changed.
                if (pathChanged || millisSince(lastRecheck) >= RECHECK_MILLIS || !registered) {
                    lastRecheck = System.nanoTime();
                    if (replaced()) {
                        registerAll();
                        if (registered) {
                            log.info(
                                    "The rules directory {} now leads to {}; watching it",
                                    directory,
                                    watched.realPath());
                            dirty = true;
                            lastChange = System.nanoTime();
                        } else {
                            log.warn(
                                    "The rules directory {} is gone; the active ruleset keeps serving until it is back",
                                    directory);
                        }
                    }
                }
                if (dirty && millisSince(lastChange) >= quietMillis) {
                    dirty = false;
                    if (registered) {
                        load();
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // The folder may be changing under our feet (a release being moved into place):
                // forget what was watched, so that the next check registers it anew.
                log.warn("Watching {} failed; checking again in a second", directory, e);
                registered = false;
                watched = null;
                sleepQuietly();
            }
        }
    }

    /** Whether the events of the parent folder's key concern the configured path's own entry. */
    private boolean namesThePath(WatchKey key) {
        boolean named = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            named |= event.kind() == StandardWatchEventKinds.OVERFLOW
                    || directory.getFileName().equals(event.context());
        }
        key.reset();
        return named;
    }

    /** Handles a key's events; true when the directory changed. */
    private boolean handle(WatchKey key) throws IOException {
        Path dir = keys.get(key);
        boolean changed = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            changed = true;
            if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && dir != null) {
                Path created = dir.resolve((Path) event.context());
                if (Files.isDirectory(created)) {
                    Files.walkFileTree(
                            created,
                            EnumSet.of(FileVisitOption.FOLLOW_LINKS),
                            Integer.MAX_VALUE,
                            new SimpleFileVisitor<>() {
                                @Override
                                public FileVisitResult preVisitDirectory(Path sub, BasicFileAttributes attributes)
                                        throws IOException {
                                    register(sub);
                                    return FileVisitResult.CONTINUE;
                                }

                                @Override
                                public FileVisitResult visitFileFailed(Path file, IOException e) {
                                    return FileVisitResult.CONTINUE;
                                }
                            });
                }
            }
        }
        if (!key.reset()) {
            keys.remove(key);
        }
        return changed;
    }

    /**
     * Whether the path now leads to another folder than the one watched (another real path, or
     * the same path to a folder with another file key), or appeared, or went, or the watch on
     * the folder ended (it was deleted).
     */
    private boolean replaced() throws IOException {
        Target now = target();
        if (!Objects.equals(now, watched)) {
            return true;
        }
        return now != null && (rootKey == null || !rootKey.isValid());
    }

    private void load() throws InterruptedException {
        try {
            publisher.reload(RulesetTrigger.WATCH).get();
        } catch (ExecutionException e) {
            log.error("Loading the rules directory {} failed", directory, e.getCause());
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(RECHECK_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
