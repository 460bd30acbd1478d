package io.kakunin.service.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URLDecoder;
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
 * Every query parameter of the API takes one value: {@code ?limit=1&limit=x} is refused
 * naming {@code limit}, rather than silently answered for one of them. The query string is
 * read as sent; a form body is never parsed here.
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
        return request.getQueryString() == null || !request.getRequestURI().startsWith(request.getContextPath() + "/v1/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Set<String> seen = new HashSet<>();
        for (String pair : request.getQueryString().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String name;
            try {
                name = URLDecoder.decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                problems.resolveException(request, response, null, ApiProblem.invalid("", "the query string is not validly encoded"));
                return;
            }
            if (!seen.add(name)) {
                problems.resolveException(request, response, null, ApiProblem.invalid(name, "is given more than once; give it once"));
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
