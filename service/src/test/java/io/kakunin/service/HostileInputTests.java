package io.kakunin.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hostile-input corpus ({@link HostileInputCorpus}): every request gets a 4xx problem
 * detail (never a 5xx, never HTML), and the stored data does not change by one byte: every row of
 * every table is digested before and after each request, whatever the request tried.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTests {

    /** The tables that must exist; every table of the schema is digested, these and any added later. */
    static final List<String> TABLES = List.of(
            "assessment",
            "assessment_product",
            "assessment_failure",
            "sharing_review",
            "sharing_review_failure",
            "idempotency_key",
            "api_key",
            "ruleset_event",
            "ruleset_revision",
            "waiver",
            "waiver_event",
            "assessment_draft");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    List<HostileInputCorpus.Case> corpus;
    List<String> tables;

    @BeforeAll
    void generate() {
        corpus = HostileInputCorpus.all();
        tables = jdbc.queryForList(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME",
                String.class);
        assertThat(tables).extracting(t -> t.toLowerCase(java.util.Locale.ROOT)).containsAll(TABLES);
    }

    /** Per table: its row count and the SHA-256 of all its rows, every column, in a stable order. */
    Map<String, String> snapshot() {
        Map<String, String> digests = new TreeMap<>();
        for (String table : tables) {
            List<String> rows = new ArrayList<>();
            jdbc.query("SELECT * FROM \"" + table + "\"", (ResultSet rs) -> {
                ResultSetMetaData meta = rs.getMetaData();
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String value = rs.getString(i);
                    row.append(value == null ? "\u2400" : value.length() + ":" + value)
                            .append('\u241f');
                }
                rows.add(row.toString());
            });
            rows.sort(null);
            digests.put(table, rows.size() + " rows, " + sha256(String.join("\u241e", rows)));
        }
        return digests;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Status, content type and body of a case's answer, however it was sent. */
    record Answer(int status, String contentType, String body) {}

    Answer send(HostileInputCorpus.Case c) {
        if (c.rawLines() != null) {
            RawHttp.Response r =
                    new RawHttp(port).send(c.method() + " " + c.path() + " HTTP/1.1", c.rawLines(), c.body());
            return new Answer(r.status(), r.contentType(), r.body());
        }
        Http http = new Http(port);
        Http caller = c.headers().size() == 2
                        && c.headers().get(0).equals("X-API-Key")
                        && c.headers().get(1).isEmpty()
                ? http.as(null)
                : http;
        String[] headers = c.headers().size() == 2 && c.headers().get(1).isEmpty()
                ? new String[0]
                : c.headers().toArray(String[]::new);
        Http.Response response = caller.send(c.method(), c.path(), c.contentType(), c.body(), headers);
        return new Answer(response.status(), response.contentType(), response.body());
    }

    @TestFactory
    Stream<DynamicTest> everyHostileRequestIsRefusedWithA4xxProblemAndChangesNothing() {
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
        return corpus.stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    Map<String, String> before = snapshot();
                    Answer response = send(c);
                    assertThat(response.status())
                            .as(
                                    "%s -> %s",
                                    c.name(),
                                    response.body().length() > 400
                                            ? response.body().substring(0, 400)
                                            : response.body())
                            .isBetween(400, 499);
                    assertThat(response.contentType()).as(c.name()).startsWith("application/problem+json");
                    JsonNode problem = JSON.readTree(response.body());
                    assertThat(problem.path("status").asInt()).isEqualTo(response.status());
                    assertThat(problem.path("type").asString()).startsWith("urn:kakunin:problem:");
                    assertThat(problem.path("detail").asString()).isNotBlank();
                    assertThat(problem.path("errors").size())
                            .as("at most 100 faults listed")
                            .isLessThanOrEqualTo(100);
                    assertThat(response.body())
                            .as("no server name or version")
                            .doesNotContainIgnoringCase("tomcat")
                            .doesNotContainIgnoringCase("apache");
                    assertThat(problem.path("detail").asString())
                            .as("no internal class or method named")
                            .doesNotContain("StreamReadConstraints")
                            .doesNotContainPattern("\\b(?:[a-z][a-z0-9]*\\.){2,}[A-Z][A-Za-z0-9]*")
                            .doesNotContainPattern("[A-Za-z]+(?:Exception|Error)\\b");
                    assertThat(snapshot()).as("stored data after %s", c.name()).isEqualTo(before);
                }));
    }
}
