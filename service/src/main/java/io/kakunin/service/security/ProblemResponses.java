package io.kakunin.service.security;

import io.kakunin.service.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * 401 and 403 as RFC 9457 problem details, made by {@link Problems} like every other error of the
 * API. Security refusals happen before Spring MVC, so they are written here.
 */
@Component
class ProblemResponses {

    private final Problems problems;
    private volatile boolean bearerAccepted;

    ProblemResponses(Problems problems) {
        this.problems = problems;
    }

    void acceptBearerTokens() {
        this.bearerAccepted = true;
    }

    void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        String detail = e instanceof MissingCredentialsException
                        || e.getMessage() == null
                        || e.getClass().getSimpleName().equals("InsufficientAuthenticationException")
                ? "This operation needs credentials: an API key in the X-API-Key header"
                        + (bearerAccepted ? " or a bearer token" : "") + "."
                : e.getMessage();
        response.setHeader("WWW-Authenticate", "ApiKey header=\"X-API-Key\"" + (bearerAccepted ? ", Bearer" : ""));
        write(request, response, HttpStatus.UNAUTHORIZED, null, detail);
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
                "These credentials do not carry a role this operation needs (their roles: " + roles + ").");
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
