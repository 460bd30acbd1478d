package io.kakunin.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-input corpus ({@link HostileInputCorpus}): every request gets a 4xx problem
 * detail, none a 5xx, and no table changes, whatever the request tried.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTests {

    static final List<String> TABLES = List.of("assessment", "assessment_product", "assessment_failure", "sharing_review",
            "sharing_review_failure", "idempotency_key", "api_key", "ruleset_event", "ruleset_revision");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    List<HostileInputCorpus.Case> corpus;

    @BeforeAll
    void generate() {
        corpus = HostileInputCorpus.all();
    }

    Map<String, Integer> snapshot() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            counts.put(table, jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class));
        }
        return counts;
    }

    @TestFactory
    Stream<DynamicTest> everyHostileRequestIsRefusedWithA4xxProblemAndChangesNothing() {
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
        Http http = new Http(port);
        return corpus.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Map<String, Integer> before = snapshot();
            Http caller = c.headers().size() == 2 && c.headers().get(0).equals("X-API-Key") && c.headers().get(1).isEmpty() ? http.as(null) : http;
            String[] headers = c.headers().size() == 2 && c.headers().get(1).isEmpty() ? new String[0] : c.headers().toArray(String[]::new);
            Http.Response response = caller.send(c.method(), c.path(), c.contentType(), c.body(), headers);
            assertThat(response.status()).as("%s -> %s", c.name(), response.body().length() > 400 ? response.body().substring(0, 400) : response.body())
                    .isBetween(400, 499);
            assertThat(response.contentType()).as(c.name()).startsWith("application/problem+json");
            assertThat(response.json().path("status").asInt()).isEqualTo(response.status());
            assertThat(response.json().path("detail").asString()).isNotBlank();
            assertThat(snapshot()).as("stored data after %s", c.name()).isEqualTo(before);
        }));
    }
}
