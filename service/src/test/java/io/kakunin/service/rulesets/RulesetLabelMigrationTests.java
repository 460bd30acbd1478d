package io.kakunin.service.rulesets;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.StoredVerdicts;
import io.kakunin.kb.input.Json;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Records stored before the rules' source became a label named the rules directory by its server
 * path. The migration moves the path of each history event to where RULE_ADMIN callers read it,
 * and relabels the stored revisions, verdicts and reviews, changing nothing else of them.
 */
class RulesetLabelMigrationTests {

    private static final String PATH = "/srv/kakunin/live-rules -> /srv/kakunin/releases/1";

    @Test
    void storedPathsBecomeTheDefaultLabelAndTheHistoryKeepsThemForRuleAdministrators() throws Exception {
        DriverManagerDataSource data = new DriverManagerDataSource(
                "jdbc:h2:mem:labels-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "kakunin", "");
        JdbcTemplate jdbc = new JdbcTemplate(data);
        Flyway.configure().dataSource(data).target("5").load().migrate();

        Ruleset fromDirectory = Ruleset.builtIn().withSource(PATH);
        AssessmentRequest request = Json.mapper()
                .readValue(
                        Files.readString(Fixtures.root()
                                .resolve("product-security/ps-4.2-shared-default-password-fails/request.json")),
                        AssessmentRequest.class);
        String decidedThere = StoredVerdicts.toJson(
                fromDirectory.assess(request, Locale.ENGLISH).id(UUID.randomUUID()));
        String decidedBuiltIn = StoredVerdicts.toJson(
                Ruleset.builtIn().assess(request, Locale.ENGLISH).id(UUID.randomUUID()));
        assertThat(decidedThere).contains(PATH);
        UUID there = assessment(jdbc, decidedThere);
        UUID builtIn = assessment(jdbc, decidedBuiltIn);

        SharingReviewRequest share = Json.mapper()
                .readValue(
                        Files.readString(
                                Fixtures.root()
                                        .resolve(
                                                "information-sharing/is-clean-de-identified-indicators-between-specialized-organizations-share-without-consent/request.json")),
                        SharingReviewRequest.class);
        SharingReview review = fromDirectory.review(share, Locale.ENGLISH).id(UUID.randomUUID());
        String reviewed = Json.mapper().writeValueAsString(Ruleset.storableSharingReview(share, review));
        UUID reviewId = review(jdbc, reviewed);

        jdbc.update(
                "INSERT INTO ruleset_revision (revision, version, source, stored_at, files_json) VALUES (?, ?, ?, ?, ?)",
                fromDirectory.revision(),
                fromDirectory.version(),
                PATH,
                Timestamp.from(Instant.now()),
                "{}");
        UUID event = UUID.randomUUID();
        UUID builtInEvent = UUID.randomUUID();
        for (Object[] row : new Object[][] {{event, PATH}, {builtInEvent, "built-in"}}) {
            jdbc.update(
                    "INSERT INTO ruleset_event (id, occurred_at, revision, version, source, cause, outcome, "
                            + "error_count, diagnostics_json) VALUES (?, ?, ?, ?, ?, 'WATCH', 'ACTIVATED', 0, '[]')",
                    row[0],
                    Timestamp.from(Instant.now()),
                    fromDirectory.revision(),
                    fromDirectory.version(),
                    row[1]);
        }

        Flyway.configure().dataSource(data).load().migrate();

        assertThat(jdbc.queryForObject("SELECT verdict_json FROM assessment WHERE id = ?", String.class, there))
                .as("the label replaces the path, and nothing else changes")
                .isEqualTo(decidedThere.replace("\"source\":\"" + PATH + "\"", "\"source\":\"rules directory\""));
        assertThat(jdbc.queryForObject("SELECT verdict_json FROM assessment WHERE id = ?", String.class, builtIn))
                .isEqualTo(decidedBuiltIn);
        assertThat(jdbc.queryForObject("SELECT review_json FROM sharing_review WHERE id = ?", String.class, reviewId))
                .isEqualTo(reviewed.replace("\"source\":\"" + PATH + "\"", "\"source\":\"rules directory\""))
                .doesNotContain(PATH);
        assertThat(jdbc.queryForObject("SELECT source FROM ruleset_revision", String.class))
                .isEqualTo("rules directory");
        Map<String, Object> moved =
                jdbc.queryForMap("SELECT source, server_path FROM ruleset_event WHERE id = ?", event);
        assertThat(moved).containsEntry("SOURCE", "rules directory").containsEntry("SERVER_PATH", PATH);
        Map<String, Object> kept =
                jdbc.queryForMap("SELECT source, server_path FROM ruleset_event WHERE id = ?", builtInEvent);
        assertThat(kept).containsEntry("SOURCE", "built-in").containsEntry("SERVER_PATH", null);
    }

    private static UUID assessment(JdbcTemplate jdbc, String verdict) {
        UUID id = UUID.randomUUID();
        jdbc.update(
                "INSERT INTO assessment (id, created_at, caller, organization_id, overall_outcome, ruleset_revision, "
                        + "ruleset_version, locale, request_json, verdict_json) VALUES (?, ?, 'key:x', 'acme', "
                        + "'NON_COMPLIANT', 'sha256:x', 'v', 'en', '{}', ?)",
                id,
                Timestamp.from(Instant.now()),
                verdict);
        return id;
    }

    private static UUID review(JdbcTemplate jdbc, String review) {
        UUID id = UUID.randomUUID();
        jdbc.update(
                "INSERT INTO sharing_review (id, created_at, caller, decision, overall_outcome, tlp, input_kind, "
                        + "input_digest, victim_profile_provided, ruleset_revision, ruleset_version, locale, "
                        + "request_json, review_json) VALUES (?, ?, 'key:x', 'SHARE_WITHOUT_CONSENT', 'COMPLIANT', "
                        + "'GREEN', 'ITEMS', 'sha256:x', FALSE, 'sha256:x', 'v', 'en', '{}', ?)",
                id,
                Timestamp.from(Instant.now()),
                review);
        return id;
    }
}
