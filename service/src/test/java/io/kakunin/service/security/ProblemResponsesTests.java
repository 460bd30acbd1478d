package io.kakunin.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.kakunin.service.JsonConfiguration;
import io.kakunin.service.KakuninProperties;
import io.kakunin.service.ProblemShape;
import io.kakunin.service.web.Problems;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Security's refusals (401, 403, a request the firewall refuses) in the one problem shape, in a
 * Spring MVC slice with a real Spring Security filter chain and no database: the chain of this
 * test sends its refusals to {@link ProblemResponses}, as the service's chain does, and knows its
 * users by HTTP Basic instead of API keys, which need the database (the service's own chain is
 * tested over HTTP by {@code AccessControlTests} and {@code ProblemShapeTests}).
 */
@WebMvcTest(controllers = ProblemResponsesTests.Guarded.class)
@Import({
    ProblemResponsesTests.Guarded.class,
    ProblemResponsesTests.Chain.class,
    ProblemResponses.class,
    FailedAuthentications.class,
    Problems.class,
    JsonConfiguration.class
})
@EnableConfigurationProperties(KakuninProperties.class)
class ProblemResponsesTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc mvc;

    @RestController
    static class Guarded {
        @GetMapping("/guarded/admin")
        String admin() {
            return "ok";
        }
    }

    @TestConfiguration
    @EnableWebSecurity
    static class Chain {

        @Bean
        SecurityFilterChain chain(HttpSecurity http, ProblemResponses problems) throws Exception {
            return http.csrf(c -> c.disable())
                    .httpBasic(b -> b.authenticationEntryPoint(problems::unauthorized))
                    .exceptionHandling(e ->
                            e.authenticationEntryPoint(problems::unauthorized).accessDeniedHandler(problems::forbidden))
                    .authorizeHttpRequests(a -> a.anyRequest().hasRole("ADMIN"))
                    .build();
        }

        @Bean
        java.time.Clock clock() {
            return java.time.Clock.systemUTC();
        }

        @Bean
        io.micrometer.core.instrument.MeterRegistry meters() {
            return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        }

        @Bean
        RequestRejectedHandler requestRejectedHandler(ProblemResponses problems) {
            return problems::rejected;
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("auditor")
                    .password("{noop}secret")
                    .roles("AUDITOR")
                    .build());
        }
    }

    private JsonNode problem(RequestBuilder request, int status, String path) throws Exception {
        MvcResult result = mvc.perform(request).andReturn();
        String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(result.getResponse().getStatus()).as(body).isEqualTo(status);
        assertThat(result.getResponse().getContentType()).as(body).startsWith(ProblemShape.MEDIA_TYPE);
        JsonNode problem = JSON.readTree(body);
        ProblemShape.assertShape(problem, status, path, false);
        return problem;
    }

    @Test
    void noCredentialsIs401SayingWhichAreAccepted() throws Exception {
        MvcResult result = mvc.perform(get("/guarded/admin")).andReturn();
        assertThat(result.getResponse().getHeader("WWW-Authenticate")).contains("X-API-Key");
        JsonNode p = problem(get("/guarded/admin"), 401, "/guarded/admin");
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:unauthorized");
        assertThat(p.path("title").asString()).isEqualTo("Credentials are missing or not valid");
    }

    @Test
    void credentialsWithoutTheRoleAre403() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("auditor:secret".getBytes(StandardCharsets.UTF_8));
        JsonNode p = problem(get("/guarded/admin").header("Authorization", basic), 403, "/guarded/admin");
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:forbidden");
        assertThat(p.path("title").asString()).isEqualTo("The credentials do not allow this");
    }

    @Test
    void whatTheFirewallRefusesIsARejectedRequest() throws Exception {
        JsonNode p = problem(get(URI.create("/guarded/a%2Fb")), 400, "/guarded/a%2Fb");
        assertThat(p.path("type").asString()).isEqualTo("urn:kakunin:problem:rejected-request");
    }
}
