package io.kakunin.service.security;

import io.kakunin.service.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.stereotype.Component;

/**
 * 401 and 403 as RFC 9457 problem details, made by {@link Problems} like every other error of the
 * API. Security refusals happen before Spring MVC, so they are written here.
 */
@Component
class ProblemResponses {

    private final Problems problems;
    private final FailedAuthentications failures;
    private volatile boolean bearerAccepted;

    ProblemResponses(Problems problems, FailedAuthentications failures) {
        this.problems = problems;
        this.failures = failures;
    }

    void acceptBearerTokens() {
        this.bearerAccepted = true;
    }

    void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        boolean missing = e instanceof MissingCredentialsException
                || e instanceof InsufficientAuthenticationException
                || !FailedAuthentications.presentsCredentials(request);
        String detail;
        if (missing) {
            detail = "This operation needs credentials: an API key in the X-API-Key header"
                    + (bearerAccepted ? " or a bearer token" : "") + ".";
        } else if (e instanceof OAuth2AuthenticationException) {
            failures.failed(request, FailedAuthentications.Credentials.BEARER);
            detail = bearerRefusal(e);
        } else {
            failures.failed(
                    request,
                    request.getHeader(ApiKeyAuthenticationFilter.HEADER) != null
                            ? FailedAuthentications.Credentials.API_KEY
                            : FailedAuthentications.Credentials.BEARER);
            detail = e.getMessage() == null ? "The credentials are not valid." : e.getMessage();
        }
        response.setHeader("WWW-Authenticate", "ApiKey header=\"X-API-Key\"" + (bearerAccepted ? ", Bearer" : ""));
        write(request, response, HttpStatus.UNAUTHORIZED, null, detail);
    }

    /**
     * Why a bearer token was refused, in the API's terms: the claims that failed, as the checks of
     * {@link JwtValidation} (and Spring's standard ones) word them, or that the token could not be
     * read or verified at all. The token library's own wording (class names, parser positions) is
     * never repeated.
     */
    static String bearerRefusal(AuthenticationException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JwtValidationException invalid
                    && !invalid.getErrors().isEmpty()) {
                return "The bearer token is not accepted: "
                        + invalid.getErrors().stream()
                                .map(OAuth2Error::getDescription)
                                .filter(java.util.Objects::nonNull)
                                .map(d -> d.endsWith(".") ? d.substring(0, d.length() - 1) : d)
                                .distinct()
                                .collect(java.util.stream.Collectors.joining("; "))
                        + ".";
            }
        }
        return "The bearer token is not accepted: it is not a well-formed signed JWT, or its signature does not "
                + "verify with the issuer's keys.";
    }

    /** 429: the caller's address failed to authenticate too often; nothing was looked at. */
    void tooManyFailures(HttpServletRequest request, HttpServletResponse response, Duration wait) throws IOException {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        write(
                request,
                response,
                HttpStatus.TOO_MANY_REQUESTS,
                Problems.TOO_MANY_FAILED_AUTHENTICATIONS,
                "Too many requests from this address carried credentials that did not authenticate; requests with "
                        + "credentials from it are refused unread for " + seconds + " s more. Check the key or token "
                        + "you send.");
    }

    void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        String roles = SecurityContextHolder.getContext().getAuthentication() instanceof CallerAuthentication caller
                ? String.join(", ", caller.caller().roleNames())
                : "none";
        write(
                request,
                response,
                HttpStatus.FORBIDDEN,
                null,
                AccessRules.ruleFor(request)
                        .map(rule -> "This operation needs " + AccessRules.describe(rule)
                                + (rule.roles().size() == 1
                                        ? ", which these credentials do not carry"
                                        : ", none of " + "which these credentials carry")
                                + " (their roles: " + roles + ").")
                        .orElse("These credentials do not carry a role this operation needs (their roles: " + roles
                                + ")."));
    }

    /**
     * A request the security firewall refuses (an encoded slash, a path that climbs out with
     * {@code ..}, a character no URL should hold): answered here, directly, because an error
     * dispatch would carry the same URL into the firewall again.
     */
    void rejected(
            HttpServletRequest request,
            HttpServletResponse response,
            org.springframework.security.web.firewall.RequestRejectedException e)
            throws IOException {
        write(
                request,
                response,
                HttpStatus.BAD_REQUEST,
                Problems.REJECTED_REQUEST,
                "The request's URL or headers hold something the API never accepts (for example an encoded slash or '..'): "
                        + e.getMessage().replaceAll("\\s+", " "));
    }

    /** {@code slug} null: the type named after the status. */
    private void write(
            HttpServletRequest request, HttpServletResponse response, HttpStatus status, String slug, String detail)
            throws IOException {
        problems.write(problems.create(status, slug, null, detail, request.getRequestURI(), Map.of()), response);
    }

    /** No credentials were presented at all. */
    static final class MissingCredentialsException extends AuthenticationException {
        MissingCredentialsException() {
            super("no credentials");
        }
    }
}
