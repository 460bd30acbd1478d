package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.EffectiveOutcome;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.Waiver;
import io.kakunin.fixtures.EffectiveDatesExample;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.FixtureSuite;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.RulesetException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Effective dates (issue 18): an item's {@code effectiveFrom} in the catalog; before it, the
 * overlay reports its FAIL as WARN, naming the date, and the verdict is not NON_COMPLIANT; from
 * that very instant on it is enforced, by the same ruleset (no reload). Run over the worked
 * example of {@code test-fixtures/examples/effective-dates}: the built-in rules with PS-4.2 given
 * an example date, as an officer would edit them.
 */
class EffectiveDatesTests {

    private static final Ruleset KB = Ruleset.check(
                    Ruleset.builtIn()
                            .files()
                            .with(
                                    "catalog.yaml",
                                    EffectiveDatesExample.catalog(
                                                    Ruleset.builtIn().files().text("catalog.yaml"))
                                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    "the effective-dates example",
                    java.util.Map.of())
            .ruleset();

    /** PS-4.2's effectiveFrom in the example (2024-04-29T00:00:00+01:00). */
    private static final Instant FROM = EffectiveDatesExample.FROM;

    private static final Instant JUST_BEFORE = FROM.minusNanos(1000);

    private static AssessmentRequest sharedPassword() {
        Path file = Fixtures.root().resolve("product-security/ps-4.2-shared-default-password-fails/request.json");
        try (var in = java.nio.file.Files.newInputStream(file)) {
            return Json.mapper().readValue(in, AssessmentRequest.class).assessmentDate(LocalDate.parse("2024-04-28"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Result ps42(Assessment verdict) {
        return verdict.getResults().stream()
                .filter(r -> r.getRecommendationId().equals("PS-4.2"))
                .findFirst()
                .orElseThrow();
    }

    private static boolean anotherMustFails(Assessment verdict) {
        return verdict.getResults().stream()
                .anyMatch(r -> r.getLevel() == io.kakunin.api.model.Level.MUST
                        && r.getOutcome() == Outcome.FAIL
                        && !r.getRecommendationId().equals("PS-4.2"));
    }

    @Test
    void noBuiltInItemHasAnEffectiveDateSinceNoSourceGivesOne() {
        Ruleset builtIn = Ruleset.builtIn();
        assertThat(builtIn.files().text("catalog.yaml")).doesNotContain("\n    effectiveFrom:");
        assertThat(builtIn.catalog().effectiveFrom("PS-4.2")).isEmpty();
        Assessment verdict =
                builtIn.withClock(Clock.fixed(JUST_BEFORE, ZoneOffset.UTC)).assess(sharedPassword(), Locale.ENGLISH);
        assertThat(ps42(verdict).getEffectiveOutcome()).isEqualTo(EffectiveOutcome.FAIL);
        assertThat(ps42(verdict).getEffectiveFrom()).isNull();
    }

    @Test
    void theExamplesFixturesPassOnTheEditedRulesAndNotOnTheBuiltInOnes() {
        List<FixtureCase> cases = FixtureCase.load(EffectiveDatesExample.fixtures());
        assertThat(cases).hasSize(2);
        assertThat(cases).allSatisfy(c -> assertThat(c.asOf()).isNotNull());
        FixtureSuite.Report edited = FixtureSuite.run(KB, cases);
        assertThat(edited.cases())
                .allSatisfy(c -> assertThat(c.passed())
                        .as(c.fixture().name() + ": " + c.mismatches())
                        .isTrue());
        FixtureSuite.Report builtIn = FixtureSuite.run(Ruleset.builtIn(), cases);
        assertThat(builtIn.cases())
                .as("the built-in rules set no effectiveFrom: the one before the date is enforced there")
                .noneMatch(FixtureSuite.CaseResult::passed)
                .filteredOn(c -> c.fixture().name().contains("before-its-effective-date"))
                .singleElement()
                .satisfies(c -> assertThat(c.mismatches().toString())
                        .contains("effectiveOutcome: expected \"WARN\", was \"FAIL\""));
    }

    @Test
    void theCatalogGivesTheItemsEffectiveFromToItsResults() {
        assertThat(KB.catalog().effectiveFrom("PS-4.2")).contains(FROM);
        assertThat(KB.catalog().effectiveFrom("PS-4.1")).isEmpty();
        Assessment verdict = KB.assess(sharedPassword(), Locale.ENGLISH);
        assertThat(ps42(verdict).getEffectiveFrom()).isEqualTo(FROM.atOffset(ZoneOffset.UTC));
        assertThat(verdict.getResults())
                .filteredOn(r -> !r.getRecommendationId().equals("PS-4.2"))
                .allSatisfy(r -> assertThat(r.getEffectiveFrom()).isNull());
    }

    @Test
    void aFailureBeforeTheItemIsInForceIsAWarningThatDoesNotMakeTheVerdictNonCompliant() {
        Assessment verdict =
                KB.withClock(Clock.fixed(JUST_BEFORE, ZoneOffset.UTC)).assess(sharedPassword(), Locale.ENGLISH);
        assertThat(anotherMustFails(verdict))
                .as("PS-4.2 is the only MUST that fails")
                .isFalse();

        Result result = ps42(verdict);
        assertThat(result.getOutcome()).isEqualTo(Outcome.FAIL);
        assertThat(result.getEffectiveOutcome()).isEqualTo(EffectiveOutcome.WARN);
        assertThat(verdict.getOverallOutcome()).isNotEqualTo(OverallOutcome.NON_COMPLIANT);
        assertThat(verdict.getCounts().getWarned()).isEqualTo(1);
        assertThat(verdict.getCounts().getFail()).isZero();
        assertThat(verdict.getAsOf()).isEqualTo(JUST_BEFORE.atOffset(ZoneOffset.UTC));
        assertThat(result.getMessage())
                .startsWith("Every device ships with the same default password.")
                .contains("Apr 28, 2024")
                .contains("11:00:00")
                .contains("UTC");
    }

    @Test
    void fromTheExactInstantOnTheSameVerdictIsEnforcedWithoutAReload() {
        Assessment verdict = KB.assess(sharedPassword(), Locale.ENGLISH);

        Waivers.apply(verdict, List.of(), JUST_BEFORE);
        assertThat(ps42(verdict).getEffectiveOutcome()).isEqualTo(EffectiveOutcome.WARN);
        String warned = ps42(verdict).getMessage();

        Waivers.apply(verdict, List.of(), FROM);
        Result result = ps42(verdict);
        assertThat(result.getEffectiveOutcome()).isEqualTo(EffectiveOutcome.FAIL);
        assertThat(verdict.getOverallOutcome()).isEqualTo(OverallOutcome.NON_COMPLIANT);
        assertThat(verdict.getCounts().getWarned()).isZero();
        assertThat(verdict.getCounts().getFail()).isEqualTo(1);
        assertThat(result.getMessage())
                .as("the date is named only while the item is not in force")
                .isEqualTo("Every device ships with the same default password.")
                .isNotEqualTo(warned);

        Waivers.apply(verdict, List.of(), JUST_BEFORE);
        Waivers.apply(verdict, List.of(), JUST_BEFORE);
        assertThat(ps42(verdict).getMessage()).as("applied again, one sentence").isEqualTo(warned);
    }

    @Test
    void aNewVerdictOfTheSameRulesetWarnsBeforeAndFailsAtTheInstant() {
        Ruleset before = KB.withClock(Clock.fixed(JUST_BEFORE, ZoneOffset.UTC));
        Ruleset at = KB.withClock(Clock.fixed(FROM, ZoneOffset.UTC));
        assertThat(ps42(before.assess(sharedPassword(), null)).getEffectiveOutcome())
                .isEqualTo(EffectiveOutcome.WARN);
        assertThat(ps42(at.assess(sharedPassword(), null)).getEffectiveOutcome())
                .isEqualTo(EffectiveOutcome.FAIL);
    }

    @Test
    void theDateIsNamedInTheReadersLanguageAndAgainWhenTheVerdictIsRenderedInAnother() {
        Assessment verdict = KB.assessUnrendered(sharedPassword());
        Waivers.apply(verdict, List.of(), JUST_BEFORE);
        assertThat(ps42(verdict).getMessage()).isNull();

        KB.localize(verdict, Locale.JAPANESE);
        assertThat(ps42(verdict).getMessage()).contains("2024/04/28").contains("（UTC）から適用されます");
        KB.localize(verdict, Locale.forLanguageTag("zh-TW"));
        assertThat(ps42(verdict).getMessage()).contains("2024").contains("（UTC）起適用");
        assertThat(ps42(verdict).getMessage()).doesNotContain("適用されます");
        KB.localize(verdict, Locale.ENGLISH);
        assertThat(ps42(verdict).getMessage()).contains("Not enforced before Apr 28, 2024");
    }

    @Test
    void aWaiverIsIrrelevantToAFailureNotYetInForce() {
        Waiver waiver = new Waiver()
                .id(UUID.fromString("01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69"))
                .organizationId("acme-iot")
                .recommendationId("PS-4.2")
                .justification("Legacy hardware.")
                .evidence("https://grc.example.jp/risk-register/RA-2024-001")
                .startsAt(OffsetDateTime.parse("2024-01-01T00:00:00Z"))
                .expiresAt(OffsetDateTime.parse("2099-01-01T00:00:00Z"))
                .requestedBy("key:requester")
                .approvedBy("key:risk-owner");
        Assessment verdict = KB.assess(sharedPassword(), Locale.ENGLISH);

        Waivers.apply(verdict, List.of(waiver), JUST_BEFORE);
        assertThat(ps42(verdict).getEffectiveOutcome()).isEqualTo(EffectiveOutcome.WARN);
        assertThat(ps42(verdict).getWaiver()).isNull();
        assertThat(verdict.getCounts().getWaived()).isZero();

        Waivers.apply(verdict, List.of(waiver), FROM);
        assertThat(ps42(verdict).getEffectiveOutcome()).isEqualTo(EffectiveOutcome.WAIVED);
        assertThat(ps42(verdict).getWaiver().getId()).isEqualTo(waiver.getId());
    }

    private static final String SHARED_RULE = "    @recommendation(\"PS-4.2\") @reason(\"shared\")\n";

    /** The built-in rules with the rule that fails a shared password given {@code @effectiveFrom}. */
    private static Ruleset.Checked datedRule(String effectiveFrom) {
        String drl = Ruleset.builtIn().files().text("product/authentication.drl");
        assertThat(drl).contains(SHARED_RULE);
        String dated = drl.replace(
                SHARED_RULE, SHARED_RULE.replace("\n", "") + " @effectiveFrom(\"" + effectiveFrom + "\")\n");
        return Ruleset.check(
                Ruleset.builtIn()
                        .files()
                        .with("product/authentication.drl", dated.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "a dated rule",
                java.util.Map.of());
    }

    @Test
    void aRuleMayCarryItsOwnEffectiveFromAndItsFailureWarnsUntilThen() {
        Ruleset.Checked checked = datedRule("2099-01-01T00:00:00+09:00");
        assertThat(checked.diagnostics()).isEmpty();
        Ruleset rules = checked.ruleset();
        Instant from = Instant.parse("2098-12-31T15:00:00Z");

        Assessment before = rules.withClock(Clock.fixed(from.minusSeconds(1), ZoneOffset.UTC))
                .assess(sharedPassword(), Locale.ENGLISH);
        assertThat(ps42(before).getOutcome()).isEqualTo(Outcome.FAIL);
        assertThat(ps42(before).getEffectiveOutcome()).isEqualTo(EffectiveOutcome.WARN);
        assertThat(ps42(before).getEffectiveFrom()).isEqualTo(from.atOffset(ZoneOffset.UTC));
        assertThat(before.getOverallOutcome()).isNotEqualTo(OverallOutcome.NON_COMPLIANT);

        Assessment at = rules.withClock(Clock.fixed(from, ZoneOffset.UTC)).assess(sharedPassword(), Locale.ENGLISH);
        assertThat(ps42(at).getEffectiveOutcome()).isEqualTo(EffectiveOutcome.FAIL);
        assertThat(at.getOverallOutcome()).isEqualTo(OverallOutcome.NON_COMPLIANT);

        // A rule dated earlier than its item is in force from the item's date; later, from its own.
        Ruleset both = Ruleset.check(
                        checked.ruleset()
                                .files()
                                .with(
                                        "catalog.yaml",
                                        EffectiveDatesExample.catalog(checked.ruleset()
                                                        .files()
                                                        .text("catalog.yaml"))
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        "a dated rule of a dated item",
                        java.util.Map.of())
                .ruleset();
        assertThat(ps42(both.withClock(Clock.fixed(from.minusSeconds(1), ZoneOffset.UTC))
                                .assess(sharedPassword(), Locale.ENGLISH))
                        .getEffectiveFrom())
                .isEqualTo(from.atOffset(ZoneOffset.UTC));
        Ruleset early = Ruleset.check(
                        datedRule("2000-01-01T00:00:00Z")
                                .ruleset()
                                .files()
                                .with(
                                        "catalog.yaml",
                                        EffectiveDatesExample.catalog(Ruleset.builtIn()
                                                        .files()
                                                        .text("catalog.yaml"))
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        "an early rule of a dated item",
                        java.util.Map.of())
                .ruleset();
        assertThat(ps42(early.withClock(Clock.fixed(JUST_BEFORE, ZoneOffset.UTC))
                                .assess(sharedPassword(), Locale.ENGLISH))
                        .getEffectiveOutcome())
                .isEqualTo(EffectiveOutcome.WARN);
    }

    @Test
    void aRulesEffectiveFromThatIsNotAnInstantIsADiagnosticAtItsLine() {
        Ruleset.Checked checked = datedRule("next April");
        assertThat(checked.usable()).isFalse();
        int line = Ruleset.builtIn()
                        .files()
                        .text("product/authentication.drl")
                        .lines()
                        .toList()
                        .indexOf(SHARED_RULE.replace("\n", ""))
                + 1;
        assertThat(checked.diagnostics())
                .filteredOn(d -> d.message().contains("@effectiveFrom"))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.file()).isEqualTo("product/authentication.drl");
                    assertThat(d.line()).isEqualTo(line);
                    assertThat(d.message())
                            .isEqualTo(
                                    "rule \"A product must not ship with a default password shared across devices\""
                                            + " has @effectiveFrom(\"next April\"), which is not an instant: write it in"
                                            + " RFC 3339 with an offset, such as 2027-04-01T00:00:00+09:00 or 2027-03-31T15:00:00Z");
                });
    }

    @Test
    void anInformationSharingItemOrRuleCannotBeAnnouncedSinceASharingDecisionFailsClosed() {
        String catalog = Ruleset.builtIn().files().text("catalog.yaml");
        String item = "  - id: IS-1.1\n";
        int sources = catalog.indexOf("\n    sources:\n", catalog.indexOf(item));
        String dated = catalog.substring(0, sources + 1) + "    effectiveFrom: 2099-01-01T00:00:00Z\n"
                + catalog.substring(sources + 1);
        assertThatThrownBy(() -> Catalog.parse(dated))
                .isInstanceOfSatisfying(
                        RulesetException.class,
                        e -> assertThat(e.diagnostics()).singleElement().satisfies(d -> {
                            assertThat(d.file()).isEqualTo("catalog.yaml");
                            assertThat(d.line())
                                    .isEqualTo((int) dated.substring(0, dated.indexOf("effectiveFrom: 2099"))
                                                    .chars()
                                                    .filter(c -> c == '\n')
                                                    .count()
                                            + 1);
                            assertThat(d.message())
                                    .startsWith("IS-1.1 has effectiveFrom, but an information-sharing item")
                                    .contains("fails closed");
                        }));

        String drl = Ruleset.builtIn().files().text("sharing/consent-free-path.drl");
        String annotation = "    @recommendation(\"IS-1.1\") @reason(\"consentObtained\")";
        assertThat(drl).contains(annotation);
        Ruleset.Checked rule = Ruleset.check(
                Ruleset.builtIn()
                        .files()
                        .with(
                                "sharing/consent-free-path.drl",
                                drl.replace(annotation, annotation + " @effectiveFrom(\"2099-01-01T00:00:00Z\")")
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "a dated sharing rule",
                java.util.Map.of());
        assertThat(rule.usable()).isFalse();
        assertThat(rule.diagnostics())
                .filteredOn(d -> d.message().contains("@effectiveFrom"))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.file()).isEqualTo("sharing/consent-free-path.drl");
                    assertThat(d.line()).isEqualTo(drl.lines().toList().indexOf(annotation) + 1);
                    assertThat(d.message()).contains("decides IS-1.1, an information-sharing item");
                });
    }

    @Test
    void needsInformationIsNeverAWarning() {
        Assessment verdict = KB.assess(
                new AssessmentRequest()
                        .organization(new io.kakunin.api.model.Organization().id("acme-iot"))
                        .products(List.of(new io.kakunin.api.model.Product().id("cam-200"))),
                Locale.ENGLISH);
        Waivers.apply(verdict, List.of(), JUST_BEFORE);
        assertThat(ps42(verdict).getOutcome()).isEqualTo(Outcome.NEEDS_INFORMATION);
        assertThat(ps42(verdict).getEffectiveOutcome()).isEqualTo(EffectiveOutcome.NEEDS_INFORMATION);
    }

    @Test
    void anEffectiveFromThatIsNotAnInstantIsADiagnosticAtItsLine() {
        String catalog = KB.files().text("catalog.yaml");
        String bad = catalog.replace("effectiveFrom: 2024-04-29T00:00:00+01:00", "effectiveFrom: 29 April 2024");
        assertThat(bad).isNotEqualTo(catalog);
        int line = (int) bad.substring(0, bad.indexOf("effectiveFrom: 29 April"))
                        .chars()
                        .filter(c -> c == '\n')
                        .count()
                + 1;
        assertThatThrownBy(() -> Catalog.parse(bad))
                .isInstanceOfSatisfying(
                        RulesetException.class,
                        e -> assertThat(e.diagnostics())
                                .filteredOn(d -> d.message().contains("effectiveFrom"))
                                .singleElement()
                                .satisfies(d -> {
                                    assertThat(d.file()).isEqualTo("catalog.yaml");
                                    assertThat(d.line()).isEqualTo(line);
                                    assertThat(d.message()).startsWith("PS-4.2 has effectiveFrom '29 April 2024'");
                                }));
        assertThatThrownBy(
                        () -> Catalog.parse(bad.replace("effectiveFrom: 29 April 2024", "effectiveFrom: 2024-04-29")))
                .isInstanceOf(RulesetException.class)
                .extracting(e -> ((RulesetException) e)
                        .diagnostics().stream().map(Diagnostic::message).toList())
                .asList()
                .anySatisfy(m -> assertThat((String) m).contains("is not an instant"));
    }
}
