package io.kakunin.service.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Where a bearer token is taken from: the Authorization header, as usual. On a public endpoint a
 * token is used only if it is valid, so that an expired or forged one is ignored there (the caller
 * is anonymous) instead of turning a public answer into a 401; a valid one still counts (health
 * details need a role).
 */
final class BearerTokens implements BearerTokenResolver {

    private final DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
    private final RequestMatcher publicEndpoints;
    private final JwtDecoder decoder;
    private final FailedAuthentications failures;

    BearerTokens(RequestMatcher publicEndpoints, JwtDecoder decoder, FailedAuthentications failures) {
        this.publicEndpoints = publicEndpoints;
        this.decoder = decoder;
        this.failures = failures;
    }

    @Override
    public String resolve(HttpServletRequest request) {
        if (!publicEndpoints.matches(request)) {
            return header.resolve(request);
        }
        try {
            String token = header.resolve(request);
            if (token != null) {
                decoder.decode(token);
            }
            return token;
        } catch (OAuth2AuthenticationException | JwtException e) {
            failures.failed(request, FailedAuthentications.Credentials.BEARER);
            return null;
        }
    }
}
