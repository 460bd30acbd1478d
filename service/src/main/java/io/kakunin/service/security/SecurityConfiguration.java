package io.kakunin.service.security;

import io.kakunin.service.KakuninProperties;
import java.util.Arrays;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call what. Every {@code /v1} endpoint needs credentials (an API key, or a JWT bearer
 * token when an issuer is configured, checked as {@link JwtValidation} says), with a role that
 * {@link AccessRules} names for it (the same table names the roles in a 403).
 *
 * <p>The contract, Swagger UI and the health status are public; health details need a role. A
 * public endpoint does not need credentials, so credentials that do not authenticate (an unknown
 * or revoked key, an expired or forged token) are ignored there rather than refused: the caller
 * is answered as anonymous. Valid credentials still count (health details).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** The endpoints anyone may call. */
    static final String[] PUBLIC = {
        "/actuator/health",
        "/actuator/health/**",
        "/actuator/info",
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/v3/api-docs.yaml",
        "/swagger-ui.html",
        "/swagger-ui/**",
        "/error"
    };

    /**
     * The API's answers are data, never pages: nothing in them may load or run anything, or be
     * framed.
     */
    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /**
     * Swagger UI loads its own scripts, styles and the contract from this origin; it draws inline
     * styles and data: images; it sends "Try it out" requests to this origin. Nothing else.
     */
    static final String SWAGGER_UI_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    static RequestMatcher swaggerUi() {
        return new OrRequestMatcher(
                PathPatternRequestMatcher.withDefaults().matcher("/swagger-ui.html"),
                PathPatternRequestMatcher.withDefaults().matcher("/swagger-ui/**"));
    }

    static RequestMatcher publicEndpoints() {
        return new OrRequestMatcher(Arrays.stream(PUBLIC)
                .map(p -> (RequestMatcher)
                        PathPatternRequestMatcher.withDefaults().matcher(p))
                .toList());
    }

    @Bean
    SecurityFilterChain api(
            HttpSecurity http,
            ApiKeys keys,
            ProblemResponses problems,
            FailedAuthentications failures,
            ObjectProvider<JwtDecoder> jwtDecoder,
            KakuninProperties properties,
            Environment environment)
            throws Exception {
        http.csrf(csrf -> csrf.disable())
                .headers(h -> h.referrerPolicy(r -> r.policy(ReferrerPolicy.NO_REFERRER))
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                                swaggerUi(), new StaticHeadersWriter("Content-Security-Policy", SWAGGER_UI_POLICY)))
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                                new NegatedRequestMatcher(swaggerUi()),
                                new StaticHeadersWriter("Content-Security-Policy", API_POLICY))))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .exceptionHandling(e ->
                        e.authenticationEntryPoint(problems::unauthorized).accessDeniedHandler(problems::forbidden))
                .addFilterBefore(
                        new FailedAuthenticationLimitFilter(failures, problems, publicEndpoints()),
                        BearerTokenAuthenticationFilter.class)
                .addFilterBefore(
                        new ApiKeyAuthenticationFilter(keys, problems, failures, publicEndpoints()),
                        BearerTokenAuthenticationFilter.class)
                .authorizeHttpRequests(a -> {
                    a.requestMatchers(publicEndpoints()).permitAll();
                    for (AccessRules.Rule rule : AccessRules.RULES) {
                        a.requestMatchers(rule.matcher()).hasAnyRole(rule.roleNames());
                    }
                    a.anyRequest().authenticated();
                });
        JwtDecoder decoder = jwtDecoder.getIfAvailable();
        if (decoder != null) {
            String misconfigured = JwtValidation.problem(properties.security().jwt(), environment);
            if (misconfigured != null) {
                throw new IllegalStateException(misconfigured);
            }
            problems.acceptBearerTokens();
            http.oauth2ResourceServer(o -> o.bearerTokenResolver(new BearerTokens(publicEndpoints(), decoder, failures))
                    .jwt(j -> j.jwtAuthenticationConverter(
                            new CallerJwtConverter(properties.security().jwtRolesClaim())))
                    .authenticationEntryPoint(problems::unauthorized)
                    .accessDeniedHandler(problems::forbidden));
        }
        return http.build();
    }

    /** Firewall refusals as problem details, like every other refusal. */
    @Bean
    RequestRejectedHandler requestRejectedHandler(ProblemResponses problems) {
        return problems::rejected;
    }

    /** No user names and passwords: without this, Spring Boot would create a user and log its password. */
    @Bean
    UserDetailsService noUsers() {
        return new InMemoryUserDetailsManager();
    }
}
