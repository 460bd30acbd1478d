package io.kakunin.service.rulesets;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.RulesetDiagnostic;
import io.kakunin.api.model.RulesetEvent;
import io.kakunin.api.model.RulesetEventOutcome;
import io.kakunin.api.model.RulesetTrigger;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.Http;
import io.kakunin.service.TestKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * What the ruleset store keeps and gives back, on each database the service supports: the
 * history pages newest first without repeating or skipping an event while new ones are recorded,
 * and a stored revision loads again whatever the size of its files.
 */
abstract class RulesetStoreContract {

    private static final String POLICY = "product/policy.drl";

    @LocalServerPort
    int port;

    @Autowired
    RulesetStore store;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ActiveRuleset active;

    private Http auditor() {
        return new Http(port).as(TestKeys.AUDITOR);
    }

    private static RulesetEvent event(Instant occurredAt, UUID id, RulesetEventOutcome outcome) {
        RulesetEvent event = new RulesetEvent()
                .id(id)
                .occurredAt(occurredAt.atOffset(ZoneOffset.UTC))
                .revision("sha256:" + "0".repeat(64))
                .version("2026.11.0")
                .source("rules directory")
                .path("/srv/kakunin/rules")
                .trigger(RulesetTrigger.WATCH)
                .outcome(outcome)
                .errorCount(outcome == RulesetEventOutcome.REFUSED ? 1 : 0)
                .diagnostics(new ArrayList<>());
        if (outcome == RulesetEventOutcome.REFUSED) {
            event.addDiagnosticsItem(new RulesetDiagnostic()
                    .file("product/policy.drl")
                    .line(40)
                    .column(5)
                    .severity(RulesetDiagnostic.SeverityEnum.ERROR)
                    .message("mismatched input"));
        }
        return event;
    }

    @Test
    void theHistoryPagesNewestFirstWithoutRepeatsOrGapsWhileEventsAreRecorded() {
        // Events in groups of the same instant, with random ids: pages must split a group by id,
        // not by when the events were recorded. Microseconds, the precision both databases keep.
        Instant base = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS);
        for (int i = 0; i < 23; i++) {
            store.record(event(
                    base.plus(i / 4, ChronoUnit.SECONDS),
                    UUID.randomUUID(),
                    i % 5 == 0 ? RulesetEventOutcome.REFUSED : RulesetEventOutcome.ACTIVATED));
        }
        List<String> history =
                jdbc
                        .queryForList("SELECT id FROM ruleset_event ORDER BY occurred_at DESC, id DESC", UUID.class)
                        .stream()
                        .map(UUID::toString)
                        .toList();
        assertThat(history).hasSizeGreaterThanOrEqualTo(24);

        List<String> seen = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        int refusals = 0;
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = auditor()
                    .get("/v1/rulesets?limit=5" + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            for (JsonNode item : page.path("items")) {
                seen.add(item.path("id").asString());
                times.add(Instant.parse(item.path("occurredAt").asString()));
                assertThat(item.has("path"))
                        .as("where the rules lie on the server is for RULE_ADMIN callers only")
                        .isFalse();
                if (item.path("outcome").asString().equals("REFUSED")
                        && item.path("source").asString().equals("rules directory")) {
                    assertThat(item.path("diagnostics").get(0).path("line").asInt())
                            .isEqualTo(40);
                    refusals++;
                }
            }
            cursor = page.has("nextCursor") ? page.path("nextCursor").asString() : null;
            pages++;
            // An event recorded meanwhile is newer than every page already read: it shifts none of the next.
            store.record(event(
                    Instant.now().truncatedTo(ChronoUnit.MICROS), UUID.randomUUID(), RulesetEventOutcome.ACTIVATED));
        } while (cursor != null && pages < 100);

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen)
                .as("every event that was recorded before the first page, once, in order")
                .containsExactlyElementsOf(history);
        assertThat(pages).isEqualTo((history.size() + 4) / 5);
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i)).as("event %d", i).isBeforeOrEqualTo(times.get(i - 1));
        }
        assertThat(refusals).isEqualTo(5);
        assertThat(auditor().get("/v1/rulesets?limit=500").json().path("items")).hasSize(history.size() + pages);
    }

    @Test
    void aCursorTheServiceDidNotGiveIsRefusedNamingIt() {
        String uuidCursor = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(UUID.randomUUID().toString().getBytes());
        ByteBuffer badNanos = ByteBuffer.allocate(28)
                .putLong(0)
                .putInt(1_000_000_000)
                .putLong(1)
                .putLong(1);
        ByteBuffer farFuture = ByteBuffer.allocate(28)
                .putLong(Long.MAX_VALUE)
                .putInt(0)
                .putLong(1)
                .putLong(1);
        for (String cursor : List.of(
                "MDE5",
                uuidCursor,
                Base64.getUrlEncoder().withoutPadding().encodeToString(badNanos.array()),
                Base64.getUrlEncoder().withoutPadding().encodeToString(farFuture.array()),
                "AAAA%2BAAA",
                "a".repeat(101))) {
            Http.Response response = auditor().get("/v1/rulesets?cursor=" + cursor);
            assertThat(response.status()).as(cursor).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("errors").get(0).path("pointer").asString())
                    .as(cursor)
                    .isEqualTo("cursor");
        }
    }

    /**
     * Stored files are read back with no request limit: base64 of a 310 KB file is a string of
     * 413,000 characters, over the 262,144 a request's string may hold.
     */
    @Test
    void aRevisionWithAFileOverTheRequestStringLimitIsStoredAndLoadedAgain() {
        RulesetFiles builtIn = RulesetFiles.builtIn(getClass().getClassLoader());
        String policy = new String(builtIn.files().get(POLICY), StandardCharsets.UTF_8);
        byte[] large =
                (policy + "\n// " + "An officer's long note. ".repeat(13_000) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThat(large.length).isGreaterThan(300_000);
        Ruleset ruleset = Ruleset.compile(builtIn.with(POLICY, large), "rules directory");

        store.keep(ruleset);

        RulesetStore.Stored stored = store.find(ruleset.revision()).orElseThrow();
        assertThat(stored.files().revision()).isEqualTo(ruleset.revision());
        assertThat(stored.files().files().get(POLICY)).isEqualTo(large);
        assertThat(stored.source()).isEqualTo("rules directory");
        // The revision's verdicts can be re-evaluated: it compiles again from the store.
        assertThat(active.compiled(ruleset.revision()).map(Ruleset::revision)).contains(ruleset.revision());
        assertThat(active.texts(ruleset.revision()).map(io.kakunin.kb.RulesetTexts::revision))
                .contains(ruleset.revision());
    }
}
