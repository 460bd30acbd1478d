package io.kakunin.service.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs before any credential is looked at: a request that carries credentials from an address
 * that has failed too often ({@link FailedAuthentications}) is answered 429 with
 * {@code Retry-After} on an endpoint that needs credentials, and is answered as anonymous on a
 * public one (its credentials are not looked at, so they can neither help nor be tested there).
 */
final class FailedAuthenticationLimitFilter extends OncePerRequestFilter {

    private final FailedAuthentications failures;
    private final ProblemResponses problems;
    private final RequestMatcher publicEndpoints;

    FailedAuthenticationLimitFilter(
            FailedAuthentications failures, ProblemResponses problems, RequestMatcher publicEndpoints) {
        this.failures = failures;
        this.problems = problems;
        this.publicEndpoints = publicEndpoints;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Duration> wait =
                FailedAuthentications.presentsCredentials(request) ? failures.retryAfter(request) : Optional.empty();
        if (wait.isEmpty()) {
            chain.doFilter(request, response);
        } else if (publicEndpoints.matches(request)) {
            chain.doFilter(new WithoutCredentials(request), response);
        } else {
            problems.tooManyFailures(request, response, wait.get());
        }
    }

    /** The request as if it carried no credentials. */
    private static final class WithoutCredentials extends HttpServletRequestWrapper {

        WithoutCredentials(HttpServletRequest request) {
            super(request);
        }

        private static boolean credential(String name) {
            return ApiKeyAuthenticationFilter.HEADER.equalsIgnoreCase(name)
                    || HttpHeaders.AUTHORIZATION.equalsIgnoreCase(name);
        }

        @Override
        public String getHeader(String name) {
            return credential(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return credential(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !credential(name))
                    .toList());
        }
    }
}
