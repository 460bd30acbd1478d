package io.kakunin.service.web;

import io.kakunin.api.model.Problem;
import io.kakunin.kb.input.InputFaultTexts;
import io.kakunin.kb.ruleset.Locales;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * A refusal that is part of the contract, answered by {@link ProblemHandler} as a problem
 * detail of its own type ({@code urn:kakunin:problem:<slug>}, made by {@link Problems}), with
 * extra members and headers when the contract defines them.
 */
public class ApiProblem extends RuntimeException {

    private final HttpStatus status;
    private final String slug;
    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final HttpHeaders headers = new HttpHeaders();

    public ApiProblem(HttpStatus status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    /** A refusal of a type whose title {@link Problems} knows; {@code slug} null for the type named after the status. */
    public ApiProblem(HttpStatus status, String slug, String detail) {
        this(status, slug, null, detail);
    }

    /** 409: the service's present state does not allow the request. */
    public static ApiProblem conflict(String slug, String title, String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, slug, title, detail);
    }

    /** 400: one field of the request is wrong; {@code pointer} names it as the contract does. */
    public static ApiProblem invalid(String pointer, String detail) {
        return new ApiProblem(
                        HttpStatus.BAD_REQUEST,
                        Problems.INVALID_REQUEST,
                        pointer.isEmpty() ? detail : pointer + ": " + detail)
                .with(Problem.JSON_PROPERTY_ERRORS, List.of(new FieldProblem(pointer, detail)));
    }

    /**
     * 400 naming every field given, for a check a feature makes beyond the contract's constraints
     * (a waiver's scope and expiry): told as the reader tells faults, its title and detail in
     * {@code locale}, which {@code Content-Language} says; each field's text is the caller's to give
     * in that language.
     */
    public static ApiProblem invalid(List<FieldProblem> fields, Locale locale) {
        ApiProblem problem = new ApiProblem(
                        HttpStatus.BAD_REQUEST,
                        Problems.INVALID_REQUEST,
                        InputFaultTexts.text("problem.title", locale),
                        Problems.summary(fields, false, locale))
                .with(Problem.JSON_PROPERTY_ERRORS, List.copyOf(fields));
        problem.headers.set(HttpHeaders.CONTENT_LANGUAGE, Locales.tag(locale));
        return problem;
    }

    /** 503 with Retry-After: the service is busy with this kind of work. */
    public static ApiProblem busy(String detail, int retryAfterSeconds) {
        ApiProblem problem = new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "busy", detail);
        problem.headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
        return problem;
    }

    public ApiProblem with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public HttpStatus status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    /** Null for the title {@link Problems} gives the type. */
    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    public HttpHeaders headers() {
        return headers;
    }
}
