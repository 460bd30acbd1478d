package io.kakunin.service.web;

import io.kakunin.api.model.Problem;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Every header of every request is checked once, up front, before anything reads one:
 *
 * <ul>
 * <li>its name and every value hold only what the security firewall allows (no control
 * character, which is what a byte such as 0x85 of UTF-8 text becomes when a header is read as
 * ISO-8859-1). The firewall checks a header only when code reads it, and code reads headers
 * everywhere (argument resolution reads {@code Accept-Language} and {@code Idempotency-Key},
 * content negotiation {@code Accept}, CORS {@code Origin}): a refusal there would escape as a
 * 500. Checked here with the firewall's own predicates, the firewall never has to refuse one
 * later, and the refusal names the header instead of echoing its value;</li>
 * <li>a header that carries one value (credentials, the idempotency key, the body's type) is
 * not repeated: with two, which one counts would be a guess;</li>
 * <li>a body is not content-coded ({@code Content-Encoding: gzip}): the service would read the
 * compressed bytes as JSON and blame the JSON. 415, saying to send it uncompressed.</li>
 * </ul>
 *
 * Refusals are problem details (400), answered by the one problem handler.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class RequestHeadersFilter extends OncePerRequestFilter {

    /** Headers that hold one value, as they are spelled in the contract and answers. */
    static final List<String> SINGLE_VALUED = List.of(
            "X-API-Key",
            HttpHeaders.AUTHORIZATION,
            "Idempotency-Key",
            HttpHeaders.CONTENT_TYPE,
            HttpHeaders.CONTENT_LENGTH,
            HttpHeaders.HOST);

    /** Every header the API reads, spelled as the contract spells it, to name it that way whatever the case it was sent in. */
    private static final Map<String, String> SPELLING = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        for (String name : List.of(
                "X-API-Key",
                HttpHeaders.AUTHORIZATION,
                "Idempotency-Key",
                HttpHeaders.CONTENT_TYPE,
                HttpHeaders.CONTENT_LENGTH,
                HttpHeaders.HOST,
                HttpHeaders.ACCEPT,
                HttpHeaders.ACCEPT_LANGUAGE,
                HttpHeaders.ORIGIN,
                HttpHeaders.TRANSFER_ENCODING,
                HttpHeaders.CONTENT_ENCODING)) {
            SPELLING.put(name, name);
        }
    }

    private final HandlerExceptionResolver problems;

    RequestHeadersFilter(@Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ApiProblem problem = check(request);
        if (problem != null) {
            problems.resolveException(request, response, null, problem);
            return;
        }
        chain.doFilter(request, response);
    }

    /** The refusal of the first header that breaks a rule, or null when every header is fine. */
    static ApiProblem check(HttpServletRequest request) {
        for (String sent : Collections.list(request.getHeaderNames())) {
            if (!StrictHttpFirewall.ALLOWED_HEADER_NAMES.test(sent)) {
                return rejected("", "a header name holds a control character; header names are ASCII tokens");
            }
            String name = SPELLING.getOrDefault(sent, sent);
            int count = 0;
            for (String value : Collections.list(request.getHeaders(sent))) {
                count++;
                if (!StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(value)) {
                    return rejected(
                            name,
                            "holds a character no header value may hold (" + firstForbidden(value)
                                    + "); header values are printable text: a control character, or a byte of UTF-8 text read as "
                                    + "ISO-8859-1, is never accepted");
                }
            }
            if (count > 1 && SINGLE_VALUED.stream().anyMatch(name::equalsIgnoreCase)) {
                return ApiProblem.invalid(name, "is given " + count + " times; it takes one value, so send it once");
            }
        }
        for (String coding : Collections.list(request.getHeaders(HttpHeaders.CONTENT_ENCODING))) {
            for (String one : coding.split(",")) {
                if (!one.isBlank() && !one.strip().equalsIgnoreCase("identity")) {
                    String detail = "is not supported: send the body uncompressed, without a Content-Encoding";
                    ApiProblem problem = new ApiProblem(
                                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                                    null,
                                    HttpHeaders.CONTENT_ENCODING + " " + detail + ".")
                            .with(
                                    Problem.JSON_PROPERTY_ERRORS,
                                    List.of(new FieldProblem(HttpHeaders.CONTENT_ENCODING, detail)));
                    problem.headers().set(HttpHeaders.ACCEPT_ENCODING, "identity");
                    return problem;
                }
            }
        }
        return null;
    }

    private static ApiProblem rejected(String name, String detail) {
        return new ApiProblem(
                        HttpStatus.BAD_REQUEST,
                        Problems.REJECTED_REQUEST,
                        (name.isEmpty() ? "" : "The header " + name + " ") + detail + ".")
                .with(Problem.JSON_PROPERTY_ERRORS, List.of(new FieldProblem(name, detail)));
    }

    /** The first character the firewall refuses, as a code point and position: never the value itself, which may be a secret. */
    private static String firstForbidden(String value) {
        for (int i = 0; i < value.length(); i++) {
            String one = String.valueOf(value.charAt(i));
            if (!StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(one)) {
                return String.format(Locale.ROOT, "U+%04X at position %d", (int) value.charAt(i), i + 1);
            }
        }
        return "a character that is not allowed";
    }
}
