package io.kakunin.service;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * What the service logs while a test looks at it, kept in memory instead of printed: a test that
 * expects an error asserts the error's log line here, and the build's output stays free of errors
 * that are not errors of the build. Every event the loggers' levels let through is caught, from
 * every thread; the console prints nothing until it is closed.
 *
 * <p>Open it once the service has started (a start configures logging anew) and close it before
 * another starts.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();

    private LogCapture() {
        events.setContext(root.getLoggerContext());
        events.start();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            detached.add(it.next());
        }
        detached.forEach(root::detachAppender);
        root.addAppender(events);
    }

    /**
     * Properties (without the leading {@code --}) for a service start a test expects to fail: the
     * test asserts the exception, and Spring Boot's report of it ("Application run failed", with
     * its stack trace) is not printed as an error of the build.
     */
    public static List<String> failingStart() {
        return List.of(
                "logging.level.org.springframework.boot.SpringApplication=OFF",
                "logging.level.org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter=OFF",
                "logging.level.org.springframework.boot.web.server.servlet.context=OFF");
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Every event so far, one string each: level, logger, message and stack trace, if any. */
    public List<String> all() {
        return events().map(LogCapture::format).toList();
    }

    /** The events of a level and above. */
    public List<String> atLeast(Level level) {
        return events().filter(e -> e.getLevel().isGreaterOrEqual(level))
                .map(LogCapture::format)
                .toList();
    }

    /** Whether any event so far carried an exception (a stack trace, once printed). */
    public boolean anyStackTrace() {
        return events().anyMatch(e -> e.getThrowableProxy() != null);
    }

    /** Forgets the events so far. */
    public void clear() {
        synchronized (events) {
            events.list.clear();
        }
    }

    private Stream<ILoggingEvent> events() {
        synchronized (events) {
            return List.copyOf(events.list).stream();
        }
    }

    private static String format(ILoggingEvent e) {
        String line = e.getLevel() + " " + e.getLoggerName() + " : " + e.getFormattedMessage();
        return e.getThrowableProxy() == null ? line : line + "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
    }

    @Override
    public void close() {
        root.detachAppender(events);
        detached.forEach(root::addAppender);
        events.stop();
    }
}
