package io.kakunin.service.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationSuccessHandler;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The console's own filter chain ({@code /console/**}, and the WebJars its pages load): a browser
 * signs in once with an API key and then holds a session cookie, where the API takes credentials
 * on every request. The session holds the same {@link Caller} the key stands for, so every page is
 * authorized by the same role table as the API ({@link AccessRules#CONSOLE} mirrors
 * {@link AccessRules#RULES}), and the services the pages call see the same caller.
 *
 * <ul>
 *   <li>Forms carry a CSRF token (Spring Security's default, kept in the session); a form without
 *       one is refused.
 *   <li>A session ends after {@code kakunin.console.idle-timeout} without a request (default 30
 *       minutes), and at once when its key is revoked: each request checks the key again by its
 *       hash (the session never holds the key itself), through the key cache the API uses.
 *   <li>Pages may load scripts, styles and images of this origin only; nothing inline.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurityConfiguration {

    /** The console's pages: this origin's scripts and styles only, never framed. */
    static final String CONSOLE_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    static final String SIGN_IN = "/console/sign-in";

    /** The session attribute of the key's hash, checked on every request. */
    private static final String KEY_HASH = ConsoleSecurityConfiguration.class.getName() + ".keyHash";

    /** What a console authentication carries besides the caller: the hash of the key that signed in. */
    record SignedInWithKey(String keyHash) implements Serializable {}

    @Bean
    @Order(1)
    SecurityFilterChain console(
            HttpSecurity http, ApiKeys keys, @Value("${kakunin.console.idle-timeout:PT30M}") Duration idleTimeout)
            throws Exception {
        SimpleUrlAuthenticationSuccessHandler signedIn = new SimpleUrlAuthenticationSuccessHandler("/console") {
            @Override
            public void onAuthenticationSuccess(
                    HttpServletRequest request, HttpServletResponse response, Authentication authentication)
                    throws IOException, ServletException {
                HttpSession session = request.getSession();
                session.setMaxInactiveInterval((int) Math.max(60, idleTimeout.toSeconds()));
                if (authentication.getDetails() instanceof SignedInWithKey key) {
                    session.setAttribute(KEY_HASH, key.keyHash());
                }
                super.onAuthenticationSuccess(request, response, authentication);
            }
        };
        AccessDeniedHandlerImpl forbidden = new AccessDeniedHandlerImpl();
        forbidden.setErrorPage("/console/forbidden");
        http.securityMatcher("/console", "/console/**", "/console-assets/**", "/webjars/**")
                .authenticationManager(new ProviderManager(new KeySignIn(keys)))
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CONSOLE_POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicy.SAME_ORIGIN)))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.loginPage(SIGN_IN)
                        .loginProcessingUrl(SIGN_IN)
                        .usernameParameter("name")
                        .passwordParameter("apiKey")
                        .successHandler(signedIn)
                        .failureHandler(new SimpleUrlAuthenticationFailureHandler(SIGN_IN + "?error"))
                        .permitAll())
                .logout(l -> l.logoutUrl("/console/sign-out")
                        .logoutSuccessUrl(SIGN_IN + "?signedOut")
                        .deleteCookies("JSESSIONID"))
                .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(SIGN_IN))
                        .accessDeniedHandler(forbidden))
                .addFilterAfter(new RevokedKeys(keys), SecurityContextHolderFilter.class)
                .authorizeHttpRequests(a -> {
                    a.requestMatchers("/console-assets/**", "/webjars/**").permitAll();
                    // The sign-in page with any query (?error, ?signedOut, ?lang=ja): formLogin's own
                    // permitAll matches its URL with the exact query only.
                    a.requestMatchers(HttpMethod.GET, SIGN_IN).permitAll();
                    for (AccessRules.Rule rule : AccessRules.CONSOLE) {
                        a.requestMatchers(rule.matcher()).hasAnyRole(rule.roleNames());
                    }
                    a.anyRequest().authenticated();
                });
        return http.build();
    }

    /** Signs in with an API key: the same lookup as the API's key header. */
    private record KeySignIn(ApiKeys keys) implements AuthenticationProvider {

        @Override
        public Authentication authenticate(Authentication authentication) {
            Object presented = authentication.getCredentials();
            if (!(presented instanceof String key) || key.isBlank()) {
                throw new BadCredentialsException("no key");
            }
            String keyHash = ApiKeys.hash(key.strip());
            Caller caller =
                    keys.authenticateHash(keyHash).orElseThrow(() -> new BadCredentialsException("unknown key"));
            CallerAuthentication signedIn = new CallerAuthentication(caller);
            signedIn.setDetails(new SignedInWithKey(keyHash));
            return signedIn;
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
        }
    }

    /**
     * Ends a session whose key has been revoked since it signed in (or whose roles changed): the
     * next request is sent to sign in again, as an API call with that key would be refused.
     */
    private static final class RevokedKeys extends OncePerRequestFilter {

        private final ApiKeys keys;

        RevokedKeys(ApiKeys keys) {
            this.keys = keys;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            HttpSession session = request.getSession(false);
            Authentication current = SecurityContextHolder.getContext().getAuthentication();
            if (session != null
                    && current instanceof CallerAuthentication signedIn
                    && session.getAttribute(KEY_HASH) instanceof String keyHash) {
                boolean same = keys.authenticateHash(keyHash)
                        .filter(c -> c.equals(signedIn.caller()))
                        .isPresent();
                if (!same) {
                    session.invalidate();
                    SecurityContextHolder.clearContext();
                }
            }
            chain.doFilter(request, response);
        }
    }
}
