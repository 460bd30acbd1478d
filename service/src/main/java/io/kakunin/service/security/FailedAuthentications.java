package io.kakunin.service.security;

import io.kakunin.service.KakuninProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one owner of what happens to credentials that do not authenticate: every 401 given to a
 * request that carried credentials is counted here, per client address, in fixed windows of
 * {@code kakunin.security.failed-authentication.window}.
 *
 * <ul>
 * <li>the metric {@code kakunin.authentication.failures} (tag {@code credentials}: api-key or
 * bearer) counts every one;</li>
 * <li>a WARN line names the address, the kind of credentials and how many failed, once for the
 * first failure of an address in a window and once more when the address reaches the limit:
 * two lines per address and window at most, whatever the rate;</li>
 * <li>past the limit, {@link #retryAfter} tells the caller to answer 429 until the window ends,
 * before any credential is looked up.</li>
 * </ul>
 *
 * Only addresses are limited, so a flood from one address never affects callers at another; a
 * request without credentials is never counted or limited (it costs no lookup and guesses
 * nothing). The address is the connection's, or the client's as a proxy Tomcat trusts reports it
 * ({@code server.forward-headers-strategy=native}). Memory is bounded: at most
 * {@link #MAX_ADDRESSES} addresses are remembered; past that, finished windows are dropped, and if
 * every window is still open the oldest half is.
 */
@Component
public class FailedAuthentications {

    private static final Logger log = LoggerFactory.getLogger(FailedAuthentications.class);

    static final int MAX_ADDRESSES = 100_000;

    /** The kind of credentials that failed. */
    enum Credentials {
        API_KEY("api-key"),
        BEARER("bearer");

        private final String tag;

        Credentials(String tag) {
            this.tag = tag;
        }
    }

    private final KakuninProperties.FailedAuthentication settings;
    private final Clock clock;
    private final Map<Credentials, Counter> counters;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    FailedAuthentications(KakuninProperties properties, Clock clock, MeterRegistry meters) {
        this.settings = properties.security().failedAuthentication();
        this.clock = clock;
        this.counters = Map.of(
                Credentials.API_KEY, counter(meters, Credentials.API_KEY),
                Credentials.BEARER, counter(meters, Credentials.BEARER));
    }

    private static Counter counter(MeterRegistry meters, Credentials credentials) {
        return Counter.builder("kakunin.authentication.failures")
                .description("Requests whose credentials did not authenticate")
                .tag("credentials", credentials.tag)
                .register(meters);
    }

    /** Whether the request carries credentials of either kind. */
    static boolean presentsCredentials(HttpServletRequest request) {
        return request.getHeader(ApiKeyAuthenticationFilter.HEADER) != null
                || request.getHeader(org.springframework.http.HttpHeaders.AUTHORIZATION) != null;
    }

    /** Counts one failure of the request's address. */
    void failed(HttpServletRequest request, Credentials credentials) {
        counters.get(credentials).increment();
        String address = request.getRemoteAddr();
        Instant now = clock.instant();
        Window window = windows.compute(
                address,
                (a, current) -> current == null || current.over(now) ? new Window(now, settings.window()) : current);
        int count = window.failed();
        if (count == 1) {
            log.warn(
                    "Authentication failed from {} ({}): the first failure from this address in {}",
                    address,
                    credentials.tag,
                    settings.window());
        } else if (count == settings.limit() + 1) {
            log.warn(
                    "Authentication failed from {} ({}) {} times in {}{}",
                    address,
                    credentials.tag,
                    count,
                    settings.window(),
                    settings.enabled() ? "; its requests with credentials are answered 429 until " + window.end() : "");
        }
        if (windows.size() > MAX_ADDRESSES) {
            forgetSome(now);
        }
    }

    /**
     * How long the request's address must wait before its credentials are looked at again, when it
     * has failed more than the limit in the present window; empty when it may go on.
     */
    Optional<Duration> retryAfter(HttpServletRequest request) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        Window window = windows.get(request.getRemoteAddr());
        Instant now = clock.instant();
        if (window == null || window.over(now) || window.count() <= settings.limit()) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, window.end()));
    }

    private void forgetSome(Instant now) {
        windows.values().removeIf(w -> w.over(now));
        if (windows.size() > MAX_ADDRESSES) {
            windows.entrySet().stream()
                    .sorted(Map.Entry.comparingByValue(java.util.Comparator.comparing(Window::end)))
                    .limit(windows.size() / 2)
                    .map(Map.Entry::getKey)
                    .toList()
                    .forEach(windows::remove);
        }
    }

    /** The failures of one address in one window. */
    private static final class Window {

        private final Instant end;
        private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

        Window(Instant start, Duration length) {
            this.end = start.plus(length);
        }

        boolean over(Instant now) {
            return !now.isBefore(end);
        }

        int failed() {
            return count.incrementAndGet();
        }

        int count() {
            return count.get();
        }

        Instant end() {
            return end;
        }
    }
}
