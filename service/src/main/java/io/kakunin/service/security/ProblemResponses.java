package io.kakunin.service.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as RFC 9457 problem details, in the shape and type scheme of every other error
 * of the API. Security refusals happen before Spring MVC, so they are written here.
 */
@Component
class ProblemResponses {

    static final String TYPE_PREFIX = "urn:kakunin:problem:";

    private final JsonMapper json;
    private volatile boolean bearerAccepted;

    ProblemResponses(JsonMapper json) {
        this.json = json;
    }

    void acceptBearerTokens() {
        this.bearerAccepted = true;
    }

    void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        String detail = e instanceof MissingCredentialsException || e.getMessage() == null
                || e.getClass().getSimpleName().equals("InsufficientAuthenticationException")
                ? "This operation needs credentials: an API key in the X-API-Key header" + (bearerAccepted ? " or a bearer token" : "") + "."
                : e.getMessage();
        response.setHeader("WWW-Authenticate", "ApiKey header=\"X-API-Key\"" + (bearerAccepted ? ", Bearer" : ""));
        write(request, response, HttpStatus.UNAUTHORIZED, "unauthorized", "Credentials are missing or not valid", detail);
    }

    void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        String roles = SecurityContextHolder.getContext().getAuthentication() instanceof CallerAuthentication caller
                ? String.join(", ", caller.caller().roleNames()) : "none";
        write(request, response, HttpStatus.FORBIDDEN, "forbidden", "The credentials do not allow this",
                "These credentials do not carry a role this operation needs (their roles: " + roles + ").");
    }

    /**
     * A request the security firewall refuses (an encoded slash, a path that climbs out with
     * {@code ..}, a character no URL should hold): answered here, directly, because an error
     * dispatch would carry the same URL into the firewall again.
     */
    void rejected(HttpServletRequest request, HttpServletResponse response,
                  org.springframework.security.web.firewall.RequestRejectedException e) throws IOException {
        write(request, response, HttpStatus.BAD_REQUEST, "rejected-request", "The request was rejected",
                "The request's URL or headers hold something the API never accepts (for example an encoded slash or '..'): "
                        + e.getMessage().replaceAll("\\s+", " "));
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String slug, String title,
                       String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_PREFIX + slug));
        problem.setTitle(title);
        try {
            problem.setInstance(URI.create(request.getRequestURI()));
        } catch (IllegalArgumentException e) {
            // a malformed URI is not repeated back
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }

    /** No credentials were presented at all. */
    static final class MissingCredentialsException extends AuthenticationException {
        MissingCredentialsException() {
            super("no credentials");
        }
    }
}
