package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.Locales;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A verdict stored without its rendered texts reads back, rendered by its revision, as it was returned. */
class StoredVerdictsTests {

    @Test
    void everyProductFixtureRoundTripsThroughTheStoredFormInEveryLanguage() {
        Ruleset ruleset = Ruleset.builtIn();
        int checked = 0;
        long storedChars = 0;
        long fullChars = 0;
        for (FixtureCase fixture : FixtureCase.load(Fixtures.root())) {
            if (!fixture.topic().equals(FixtureCase.PRODUCT_SECURITY)) {
                continue;
            }
            AssessmentRequest request = Json.mapper().readValue(fixture.request(), AssessmentRequest.class);
            for (Locale locale : Locales.SUPPORTED) {
                Assessment verdict = ruleset.assess(request, locale);
                String stored = StoredVerdicts.toJson(verdict);
                JsonNode tree = Json.mapper().readTree(stored);
                assertThat(tree.findValues("title"))
                        .as("no rendered title is stored")
                        .isEmpty();
                assertThat(tree.findValues("remediation")).isEmpty();
                assertThat(tree.findValues("references")).isEmpty();
                int full = Json.mapper().writeValueAsString(verdict).length();
                assertThat(stored.length()).isLessThan(full);
                storedChars += stored.length();
                fullChars += full;
                Assessment read = StoredVerdicts.render(StoredVerdicts.fromJson(stored), ruleset, locale);
                JsonNode rendered = Json.mapper().valueToTree(read);
                JsonNode original = Json.mapper().valueToTree(verdict);
                assertThat(rendered).as(fixture.name() + " in " + locale).isEqualTo(original);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(300);
        assertThat(storedChars).as("stored form over all fixtures").isLessThan(fullChars * 3 / 5);
    }

    @Test
    void aVerdictMadeWithoutTextsIsStoredAsTheRenderedOneAndRendersToIt() {
        Ruleset ruleset = Ruleset.builtIn();
        int checked = 0;
        for (FixtureCase fixture : FixtureCase.load(Fixtures.root())) {
            if (!fixture.topic().equals(FixtureCase.PRODUCT_SECURITY)) {
                continue;
            }
            AssessmentRequest request = Json.mapper().readValue(fixture.request(), AssessmentRequest.class);
            Assessment unrendered = ruleset.assessUnrendered(request);
            JsonNode bare = Json.mapper().valueToTree(unrendered);
            assertThat(bare.findValues("title")).as("no text is rendered").isEmpty();
            assertThat(bare.findValues("message")).isEmpty();
            assertThat(bare.findValues("remediation")).isEmpty();
            for (Locale locale : Locales.SUPPORTED) {
                Assessment verdict = ruleset.assess(request, locale);
                Assessment bareCopy = StoredVerdicts.fromJson(StoredVerdicts.toJson(unrendered))
                        .locale(Locales.tag(locale))
                        .createdAt(verdict.getCreatedAt())
                        .asOf(verdict.getAsOf()); // both are each evaluation's own time
                assertThat(StoredVerdicts.toJson(bareCopy))
                        .as(fixture.name() + ": stored alike")
                        .isEqualTo(StoredVerdicts.toJson(verdict));
                JsonNode rendered = Json.mapper().valueToTree(StoredVerdicts.render(bareCopy, ruleset, locale));
                assertThat(rendered)
                        .as(fixture.name() + " in " + locale)
                        .isEqualTo(Json.mapper().valueToTree(verdict));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(300);
    }

    @Test
    void aVerdictIsRenderedOnlyByItsOwnRevision() {
        Assessment verdict = Ruleset.builtIn()
                .assess(
                        new AssessmentRequest()
                                .organization(new io.kakunin.api.model.Organization())
                                .products(new java.util.ArrayList<>(
                                        java.util.List.of(new io.kakunin.api.model.Product()))),
                        Locale.ENGLISH);
        Assessment stored = StoredVerdicts.fromJson(StoredVerdicts.toJson(verdict));
        stored.getRuleset().revision("sha256:" + "0".repeat(64));
        assertThatThrownBy(() -> StoredVerdicts.render(stored, Ruleset.builtIn(), Locale.ENGLISH))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
