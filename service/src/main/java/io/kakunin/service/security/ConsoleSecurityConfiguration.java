package io.kakunin.service.security;

import io.kakunin.service.KakuninProperties;
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
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationSuccessHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.csrf.CsrfException;
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
 *   <li>When the API trusts an issuer by its URI ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri})
 *       and {@code kakunin.console.oidc.client-id} names the console's client there, people may
 *       also sign in by OpenID Connect (authorization code flow): the ID token's claims become a
 *       caller through {@link CallerJwtConverter}, the one owner of what a token's claims grant, so
 *       a person has on the console exactly the roles the same claims give on the API.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurityConfiguration {

    /** The console's pages: this origin's scripts and styles only, never framed. */
    static final String CONSOLE_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    static final String SIGN_IN = "/console/sign-in";

    /** Where an OpenID Connect sign-in starts ({@code /kakunin}) and where the issuer sends the browser back. */
    static final String OIDC = SIGN_IN + "/oidc";

    /** The session attribute of the key's hash, checked on every request. */
    private static final String KEY_HASH = ConsoleSecurityConfiguration.class.getName() + ".keyHash";

    /** What a console authentication carries besides the caller: the hash of the key that signed in. */
    record SignedInWithKey(String keyHash) implements Serializable {}

    @Bean
    @Order(1)
    SecurityFilterChain console(
            HttpSecurity http,
            ApiKeys keys,
            KakuninProperties properties,
            ConsoleSignIn options,
            @Value("${kakunin.console.idle-timeout:PT30M}") Duration idleTimeout,
            @Value("${" + JwtValidation.ISSUER_URI + ":}") String issuer,
            @Value("${kakunin.console.oidc.client-id:}") String clientId,
            @Value("${kakunin.console.oidc.client-secret:}") String clientSecret)
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
        HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
        http.securityContext(c -> c.securityContextRepository(contexts));
        if (options.openIdConnect()) {
            CallerJwtConverter claims =
                    new CallerJwtConverter(properties.security().jwtRolesClaim());
            AuthenticationSuccessHandler openIdSignedIn = (request, response, authentication) -> {
                OidcUser user = (OidcUser) authentication.getPrincipal();
                Caller caller = claims.caller(
                        user.getIdToken().getIssuer() == null
                                ? ""
                                : user.getIdToken().getIssuer().toString(),
                        user.getSubject(),
                        user.getClaims());
                CallerAuthentication signedInCaller = new CallerAuthentication(caller);
                SecurityContext context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(signedInCaller);
                SecurityContextHolder.setContext(context);
                contexts.saveContext(context, request, response);
                signedIn.onAuthenticationSuccess(request, response, signedInCaller);
            };
            http.oauth2Login(o -> o.loginPage(SIGN_IN)
                    .clientRegistrationRepository(new IssuerRegistration(issuer, clientId, clientSecret))
                    .authorizationEndpoint(a -> a.baseUri(OIDC))
                    .redirectionEndpoint(r -> r.baseUri(OIDC + "/callback/*"))
                    .successHandler(openIdSignedIn)
                    .failureHandler(new SimpleUrlAuthenticationFailureHandler(SIGN_IN + "?error")));
        }
        AccessDeniedHandlerImpl notAllowed = new AccessDeniedHandlerImpl();
        notAllowed.setErrorPage("/console/forbidden");
        // A form refused for its CSRF token (missing, stale after a new sign-in, or unread in a
        // body too large to parse) is not a matter of roles: the page says so.
        AccessDeniedHandler forbidden = (request, response, denied) -> {
            if (denied instanceof CsrfException) {
                request.setAttribute(ConsoleSignIn.FORM_REFUSED, Boolean.TRUE);
            }
            notAllowed.handle(request, response, denied);
        };
        http.securityMatcher("/console", "/console/**", "/console-assets/**", "/webjars/**")
                .authenticationProvider(new KeySignIn(keys))
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
                    a.requestMatchers(OIDC + "/**").permitAll();
                    for (AccessRules.Rule rule : AccessRules.CONSOLE) {
                        a.requestMatchers(rule.matcher()).hasAnyRole(rule.roleNames());
                    }
                    a.anyRequest().authenticated();
                });
        return http.build();
    }

    @Bean
    ConsoleSignIn consoleSignIn(
            @Value("${" + JwtValidation.ISSUER_URI + ":}") String issuer,
            @Value("${kakunin.console.oidc.client-id:}") String clientId) {
        return new ConsoleSignIn(!issuer.isBlank() && !clientId.isBlank());
    }

    /**
     * The console's client at the issuer, read from the issuer's discovery document when first
     * needed (not at start-up: the service starts, and signs in with keys, while the issuer is
     * unreachable).
     */
    private static final class IssuerRegistration implements ClientRegistrationRepository {

        static final String ID = "kakunin";

        private final String issuer;
        private final String clientId;
        private final String clientSecret;
        private volatile ClientRegistration registration;

        IssuerRegistration(String issuer, String clientId, String clientSecret) {
            this.issuer = issuer;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
        }

        @Override
        public ClientRegistration findByRegistrationId(String registrationId) {
            if (!ID.equals(registrationId)) {
                return null;
            }
            ClientRegistration found = registration;
            if (found == null) {
                synchronized (this) {
                    if (registration == null) {
                        registration = ClientRegistrations.fromOidcIssuerLocation(issuer)
                                .registrationId(ID)
                                .clientId(clientId)
                                .clientSecret(clientSecret)
                                .scope("openid")
                                .redirectUri("{baseUrl}" + OIDC + "/callback/{registrationId}")
                                .build();
                    }
                    found = registration;
                }
            }
            return found;
        }
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
