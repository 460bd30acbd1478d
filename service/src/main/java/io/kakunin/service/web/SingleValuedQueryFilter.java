package io.kakunin.service.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The query string is read once, up front, as sent:
 *
 * <ul>
 * <li>on every path, each name and value must be validly percent-encoded UTF-8 ({@code %zz}, a
 * lone {@code %} or {@code %85} are not): the servlet container would otherwise fail on it
 * lazily, when a parameter is first read, as a 500;</li>
 * <li>on the API ({@code /v1}), every query parameter takes one value: {@code ?limit=1&limit=x}
 * is refused naming {@code limit}, rather than silently answered for one of them.</li>
 * </ul>
 *
 * A form body is never parsed here.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
class SingleValuedQueryFilter extends OncePerRequestFilter {

    private final HandlerExceptionResolver problems;

    SingleValuedQueryFilter(@Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getQueryString() == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean api = request.getRequestURI().startsWith(request.getContextPath() + "/v1/");
        Set<String> seen = new HashSet<>();
        for (String pair : request.getQueryString().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            if (name == null) {
                problems.resolveException(
                        request,
                        response,
                        null,
                        ApiProblem.invalid(
                                "",
                                "the query string is not validly encoded: a parameter name is not percent-encoded UTF-8"));
                return;
            }
            if (equals >= 0 && decode(pair.substring(equals + 1)) == null) {
                problems.resolveException(
                        request,
                        response,
                        null,
                        ApiProblem.invalid(name, "is not validly encoded: its value is not percent-encoded UTF-8"));
                return;
            }
            if (api && !seen.add(name)) {
                problems.resolveException(
                        request, response, null, ApiProblem.invalid(name, "is given more than once; give it once"));
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** Strict application/x-www-form-urlencoded decoding: null for a bad escape or bytes that are not UTF-8. */
    static String decode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()
                        || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    return null;
                }
                bytes.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
