package io.kakunin.service.web;

import io.kakunin.service.KakuninProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The one place that decides which scheme, host and port the service calls itself in the URLs it
 * writes: every framework that builds an absolute URL from the request ({@code Location} headers,
 * springdoc's OAuth redirect, actuator links, Spring Security's HSTS check of {@code isSecure})
 * reads it from the request this filter hands on.
 *
 * <ol>
 * <li>With {@code kakunin.http.public-base-url}: that URL's scheme, host and port.</li>
 * <li>Else, when a proxy Tomcat trusts forwarded the request
 * ({@code server.forward-headers-strategy=native}; Tomcat's RemoteIpValve marks the request):
 * what the proxy's {@code X-Forwarded-*} headers said.</li>
 * <li>Else the address and port the connection arrived at, and its scheme.</li>
 * </ol>
 *
 * The {@code Host} header a caller sends is never used: {@code Host: evil.example} cannot put
 * {@code evil.example} into a {@code Location}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class PublicUrlFilter extends OncePerRequestFilter {

    /** What Tomcat's RemoteIpValve sets on a request whose forwarded headers it applied. */
    static final String FORWARDED_BY_TRUSTED_PROXY = "org.apache.tomcat.request.forwarded";

    private final URI base;

    PublicUrlFilter(KakuninProperties properties) {
        this.base = properties.http().publicBaseUrl();
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (base != null) {
            int port = base.getPort() != -1 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
            chain.doFilter(new Named(request, base.getScheme(), base.getHost(), port), response);
        } else if (Boolean.TRUE.equals(request.getAttribute(FORWARDED_BY_TRUSTED_PROXY))) {
            chain.doFilter(request, response);
        } else {
            String address = request.getLocalAddr();
            String host = address != null && address.indexOf(':') >= 0 ? "[" + address + "]" : address;
            chain.doFilter(new Named(request, request.getScheme(), host, request.getLocalPort()), response);
        }
    }

    /** The request, named by the given scheme, host and port. */
    private static final class Named extends HttpServletRequestWrapper {

        private final String scheme;
        private final String host;
        private final int port;

        Named(HttpServletRequest request, String scheme, String host, int port) {
            super(request);
            this.scheme = scheme;
            this.host = host;
            this.port = port;
        }

        @Override
        public String getScheme() {
            return scheme;
        }

        @Override
        public boolean isSecure() {
            return "https".equals(scheme);
        }

        @Override
        public String getServerName() {
            return host;
        }

        @Override
        public int getServerPort() {
            return port;
        }

        @Override
        public StringBuffer getRequestURL() {
            StringBuffer url = new StringBuffer(scheme).append("://").append(host);
            if (!(("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443))) {
                url.append(':').append(port);
            }
            return url.append(getRequestURI());
        }
    }
}
