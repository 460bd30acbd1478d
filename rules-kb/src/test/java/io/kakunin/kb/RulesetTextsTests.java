package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.Locales;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A stored verdict is re-rendered in another language from the texts of its revision, read
 * without compiling: the result is exactly what the compiled ruleset would render.
 */
class RulesetTextsTests {

    private static final Ruleset KB =
            Ruleset.builtIn().withClock(Clock.fixed(Instant.parse("2026-12-01T09:00:00Z"), ZoneOffset.UTC));
    private static final RulesetTexts READ = RulesetTexts.read(KB.files(), "read");

    @Test
    void theRulesOfTheTextsAreTheRulesOfTheCompiledRuleset() {
        assertThat(RulesetTexts.parseRules(KB.files())).isEqualTo(KB.rules());
    }

    @Test
    void everyFixtureVerdictIsRenderedInEveryLanguageAsTheCompiledRulesetRendersIt() {
        List<FixtureCase> cases = FixtureCase.load(Fixtures.root());
        assertThat(cases).isNotEmpty();
        for (FixtureCase fixture : cases) {
            for (Locale locale : Locales.SUPPORTED) {
                if (FixtureCase.PRODUCT_SECURITY.equals(fixture.topic())) {
                    AssessmentRequest request = Json.mapper().readValue(fixture.request(), AssessmentRequest.class);
                    Assessment english = KB.assess(request, Locale.ENGLISH);
                    Assessment expected = KB.assess(request, locale);
                    Assessment rendered = READ.localize(english, locale);
                    assertThat((tools.jackson.databind.JsonNode) Json.mapper().valueToTree(rendered))
                            .as("%s in %s", fixture.name(), locale)
                            .isEqualTo((tools.jackson.databind.JsonNode)
                                    Json.mapper().valueToTree(expected));
                } else {
                    SharingReviewRequest request =
                            Json.mapper().readValue(fixture.request(), SharingReviewRequest.class);
                    SharingReview english = KB.review(request, Locale.ENGLISH);
                    SharingReview expected = KB.review(request, locale);
                    SharingReview rendered = READ.localize(english, locale);
                    // The sanitized bundle has an ID of its own each time, and no text in it.
                    rendered.sanitizedBundle(null);
                    expected.sanitizedBundle(null);
                    assertThat((tools.jackson.databind.JsonNode) Json.mapper().valueToTree(rendered))
                            .as("%s in %s", fixture.name(), locale)
                            .isEqualTo((tools.jackson.databind.JsonNode)
                                    Json.mapper().valueToTree(expected));
                }
            }
        }
    }
}
