package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetTrigger;
import io.kakunin.service.KakuninProperties;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Watches the rules directory (every folder below it) and has the publisher load it once the
 * directory has stayed unchanged for the quiet period, so that an editor's save or a copy of
 * many files is loaded once, complete. Changes that arrive while a load runs are loaded after
 * it. A directory replaced as a whole (a symbolic link switched to a new release, a folder
 * moved into place) is noticed within a second and watched anew.
 */
@Component
class RulesetWatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RulesetWatcher.class);
    private static final long RECHECK_MILLIS = 1000;

    private final RulesetPublisher publisher;
    private final Path directory;
    private final boolean enabled;
    private final long quietMillis;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private volatile boolean running;
    private volatile WatchService watcher;
    private Thread thread;
    private Path watchedRealPath;

    RulesetWatcher(RulesetPublisher publisher, KakuninProperties properties) {
        this.publisher = publisher;
        this.directory = publisher.directory();
        this.enabled = directory != null && properties.rules().watch();
        Duration quiet = properties.rules().watchQuietPeriod();
        this.quietMillis = Math.max(0, quiet.toMillis());
    }

    /** Whether the directory is being watched. */
    boolean watching() {
        return running && enabled;
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
            registerAll();
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch the rules directory " + directory, e);
        }
        thread = new Thread(this::run, "kakunin-ruleset-watcher");
        thread.setDaemon(true);
        thread.start();
        log.info("Watching {} for ruleset changes (quiet period {} ms)", directory, quietMillis);
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
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void registerAll() throws IOException {
        keys.keySet().forEach(WatchKey::cancel);
        keys.clear();
        watchedRealPath = Files.exists(directory) ? directory.toRealPath() : null;
        if (watchedRealPath == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path dir : (Iterable<Path>) walk.filter(Files::isDirectory)::iterator) {
                register(dir);
            }
        }
    }

    private void register(Path dir) throws IOException {
        WatchKey key = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        keys.put(key, dir);
    }

    private void run() {
        boolean dirty = false;
        long lastChange = 0;
        long lastRecheck = System.nanoTime();
        while (running) {
            try {
                long wait = dirty ? Math.max(1, quietMillis - millisSince(lastChange)) : RECHECK_MILLIS;
                WatchKey key = watcher.poll(wait, TimeUnit.MILLISECONDS);
                while (key != null) {
                    if (handle(key)) {
                        dirty = true;
                        lastChange = System.nanoTime();
                    }
                    key = watcher.poll();
                }
                if (millisSince(lastRecheck) >= RECHECK_MILLIS) {
                    lastRecheck = System.nanoTime();
                    if (replaced()) {
                        log.info("The rules directory {} was replaced; watching it anew", directory);
                        registerAll();
                        dirty = true;
                        lastChange = System.nanoTime();
                    }
                }
                if (dirty && millisSince(lastChange) >= quietMillis) {
                    dirty = false;
                    load();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("Watching {} failed; retrying in a second", directory, e);
                sleepQuietly();
            }
        }
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
                    try (Stream<Path> walk = Files.walk(created)) {
                        for (Path sub : (Iterable<Path>) walk.filter(Files::isDirectory)::iterator) {
                            register(sub);
                        }
                    }
                }
            }
        }
        if (!key.reset()) {
            keys.remove(key);
        }
        return changed;
    }

    /** Whether the directory now resolves to another folder than the one watched, or appeared or went. */
    private boolean replaced() throws IOException {
        Path now = Files.exists(directory) ? directory.toRealPath() : null;
        if (now == null ? watchedRealPath != null : !now.equals(watchedRealPath)) {
            return true;
        }
        return now != null && keys.values().stream().noneMatch(directory::equals);
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
