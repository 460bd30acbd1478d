package io.kakunin.service.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates the {@code X-API-Key} header. A key that is malformed, unknown or revoked is
 * answered 401 at once on every endpoint that needs credentials; on a public endpoint it is
 * ignored, and the request is answered as anonymous (credentials an endpoint does not need must
 * not make it fail). A request without the header goes on unauthenticated (a bearer token may
 * authenticate it, or the endpoint may be public).
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";
    private static final int MAX_LENGTH = 200;

    private final ApiKeys keys;
    private final ProblemResponses problems;
    private final FailedAuthentications failures;
    private final RequestMatcher publicEndpoints;

    ApiKeyAuthenticationFilter(
            ApiKeys keys, ProblemResponses problems, FailedAuthentications failures, RequestMatcher publicEndpoints) {
        this.keys = keys;
        this.problems = problems;
        this.failures = failures;
        this.publicEndpoints = publicEndpoints;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        if (presented == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean open = publicEndpoints.matches(request);
        if (request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
            if (open) {
                chain.doFilter(request, response);
                return;
            }
            problems.unauthorized(
                    request,
                    response,
                    new BadCredentialsException(
                            "Send one kind of credentials: an X-API-Key header or an Authorization header, not both."));
            return;
        }
        Optional<Caller> caller;
        try {
            caller = presented.length() <= MAX_LENGTH ? keys.authenticate(presented.strip()) : Optional.empty();
        } catch (RuntimeException lookupFailed) {
            // The keys cannot be looked up (the store is down). A public endpoint needs no key: it is answered as
            // without one (health says DOWN); any other fails with the store (503, see storage.StoreFailures).
            if (open) {
                chain.doFilter(request, response);
                return;
            }
            throw lookupFailed;
        }
        if (caller.isEmpty()) {
            if (open) {
                failures.failed(request, FailedAuthentications.Credentials.API_KEY);
                chain.doFilter(request, response);
                return;
            }
            problems.unauthorized(
                    request, response, new BadCredentialsException("The API key is not valid, or it was revoked."));
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new CallerAuthentication(caller.get()));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
