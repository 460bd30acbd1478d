package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.SourceConfidence;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.FixtureSuite;
import io.kakunin.kb.fixtures.PublicationGate;
import io.kakunin.kb.fixtures.Verification;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.kb.ruleset.RuleInfo;
import io.kakunin.kb.ruleset.RulesetException;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The catalog, the rules, the texts and the fixtures agree: no rule without a recommendation,
 * no recommendation without a rule, no text missing in any language, and no rule whose decision
 * no fixture asserts. The negative cases prove the load-time checks refuse what they should.
 */
class CatalogTests {

    private static final Ruleset KB = Ruleset.builtIn();
    private static final Pattern RULE_BLOCK =
            Pattern.compile("(?ms)^[ \\t]*rule[ \\t]+\"((?:[^\"\\\\]|\\\\.)*)\"(.*?)^[ \\t]*end\\b");
    private static final Pattern OUTCOME_CALL = Pattern.compile(
            "outcomes\\.(failIfEmpty|failAt|fail|needInformationIfAbsentAt|needInformationIfAbsent|needInformationAt|needInformation|pass|notApplicable)\\(");

    /** Per rule: the (recommendation, subject, outcome) results a fixture asserted and the rule decided. */
    private static final Map<String, Set<Outcome>> ASSERTED = new TreeMap<>();

    @BeforeAll
    static void runEveryFixture() {
        for (FixtureCase fixture : FixtureCase.load(Fixtures.root())) {
            JsonNode expected = Json.mapper().readTree(fixture.expected());
            JsonNode actual = FixtureSuite.evaluate(KB, fixture);
            for (JsonNode result : actual.path("results")) {
                if (!asserted(expected, result)) {
                    continue;
                }
                Outcome outcome = Outcome.fromValue(result.path("outcome").asString());
                for (JsonNode fired : result.path("firedRules")) {
                    if (fired.path("outcome").asString().equals(outcome.getValue())) {
                        ASSERTED.computeIfAbsent(fired.path("rule").asString(), k -> EnumSet.noneOf(Outcome.class))
                                .add(outcome);
                    }
                }
            }
        }
    }

    private static boolean asserted(JsonNode expected, JsonNode actual) {
        for (JsonNode e : expected.path("results")) {
            if (e.path("recommendationId")
                            .asString()
                            .equals(actual.path("recommendationId").asString())
                    && (!e.has("subject") || e.path("subject").equals(actual.path("subject")))
                    && e.path("outcome").equals(actual.path("outcome"))) {
                return true;
            }
        }
        return false;
    }

    /** What each rule reports, read from its consequence in the DRL text. */
    private static Map<String, Outcome> ruleOutcomes() {
        Map<String, Outcome> outcomes = new HashMap<>();
        KB.files().files().forEach((path, bytes) -> {
            if (!path.endsWith(".drl")) {
                return;
            }
            Matcher rule = RULE_BLOCK.matcher(new String(bytes, StandardCharsets.UTF_8));
            while (rule.find()) {
                Matcher call = OUTCOME_CALL.matcher(rule.group(2));
                assertThat(call.find())
                        .as("rule \"%s\" reports an outcome", rule.group(1))
                        .isTrue();
                outcomes.put(
                        rule.group(1),
                        switch (call.group(1)) {
                            case "fail", "failAt", "failIfEmpty" -> Outcome.FAIL;
                            case "needInformation",
                                    "needInformationAt",
                                    "needInformationIfAbsent",
                                    "needInformationIfAbsentAt" -> Outcome.NEEDS_INFORMATION;
                            case "pass" -> Outcome.PASS;
                            default -> Outcome.NOT_APPLICABLE;
                        });
                assertThat(call.find())
                        .as("rule \"%s\" reports exactly one outcome", rule.group(1))
                        .isFalse();
            }
        });
        return outcomes;
    }

    /** The JC-STAR IDs the primary sources settle (primary-sources.md, section 6); none is left unknown. */
    @Test
    void theJcStarReferencesAreThoseThePrimarySourcesGive() {
        assertThat(jcStar("PS-4.5")).extracting(Catalog.Ref::id).containsExactly("S1.1-06");
        assertThat(jcStar("PS-4.6")).singleElement().satisfies(ref -> {
            assertThat(ref.id()).isEqualTo("S1.1-08");
            assertThat(ref.note()).contains("anti-rollback").contains("our inference (I)");
        });
        assertThat(jcStar("PS-4.10")).singleElement().satisfies(ref -> {
            assertThat(ref.id()).isEqualTo("S1.1-13");
            assertThat(ref.note()).contains("Bluetooth, USB").contains("ETSI 5.6-4 only");
        });
        assertThat(jcStar("PS-4.13")).singleElement().satisfies(ref -> {
            assertThat(ref.id()).isEqualTo("S1.1-15");
            assertThat(ref.note())
                    .contains("logs")
                    .contains("keys and signatures")
                    .contains("application part stays");
        });
        assertThat(jcStar("PS-4.9")).singleElement().satisfies(ref -> {
            assertThat(ref.id()).isEqualTo("S1.1-11");
            assertThat(ref.confidence()).as("the ID is found by elimination").isEqualTo(SourceConfidence.I);
        });
        for (Catalog.Entry entry : KB.catalog().entries()) {
            assertThat(entry.references()).extracting(Catalog.Ref::id).noneMatch(id -> id.contains("?"));
        }
    }

    private static List<Catalog.Ref> jcStar(String id) {
        return KB.catalog().entry(id).orElseThrow().references().stream()
                .filter(r -> r.scheme() == io.kakunin.api.model.ReferenceScheme.JC_STAR)
                .toList();
    }

    /**
     * IPA assesses S1.1-01 to -03 by document review, S1.1-04 on the device and S1.1-15 both ways
     * (primary-sources.md): an item may list both, and one alone may be written without a list.
     */
    @Test
    void anItemIsAssessedAsIpaAssessesItsRowAndMayBeAssessedBothWays() {
        assertThat(KB.catalog().entry("PS-4.1").orElseThrow().evidence())
                .containsExactly(io.kakunin.api.model.EvidenceType.DOCUMENT_REVIEW);
        assertThat(KB.catalog().entry("PS-4.2").orElseThrow().evidence())
                .containsExactly(io.kakunin.api.model.EvidenceType.DOCUMENT_REVIEW);
        assertThat(KB.catalog().entry("PS-4.3").orElseThrow().evidence())
                .containsExactly(io.kakunin.api.model.EvidenceType.DOCUMENT_REVIEW);
        assertThat(KB.catalog().entry("PS-4.4").orElseThrow().evidence())
                .containsExactly(io.kakunin.api.model.EvidenceType.DEVICE_TEST);
        assertThat(KB.catalog().entry("PS-4.13").orElseThrow().evidence())
                .containsExactly(
                        io.kakunin.api.model.EvidenceType.DOCUMENT_REVIEW,
                        io.kakunin.api.model.EvidenceType.DEVICE_TEST);
        String catalog = KB.files().text("catalog.yaml");
        assertThat(catalog)
                .contains("evidence: [DOCUMENT_REVIEW, DEVICE_TEST]")
                .contains("evidence: DOCUMENT_REVIEW\n");
        assertThatThrownBy(() -> Catalog.parse(catalog.replace(
                        "evidence: [DOCUMENT_REVIEW, DEVICE_TEST]", "evidence: [DEVICE_TEST, DEVICE_TEST]")))
                .isInstanceOfSatisfying(
                        RulesetException.class,
                        e -> assertThat(e.diagnostics())
                                .extracting(Diagnostic::message)
                                .contains("PS-4.13 lists an evidence type twice"));
    }

    @Test
    void everyRecommendationHasARuleAndEveryRuleARecommendationOfTheCatalog() {
        assertThat(KB.catalog().entries()).isNotEmpty();
        for (Catalog.Entry entry : KB.catalog().entries()) {
            assertThat(KB.rulesOf(entry.id())).as("rules of %s", entry.id()).isNotEmpty();
        }
        for (RuleInfo rule : KB.rules().values()) {
            assertThat(KB.catalog().entry(rule.recommendationId()))
                    .as("recommendation of \"%s\"", rule.name())
                    .isPresent();
        }
    }

    @Test
    void everyRecommendationHasItsTextsInEveryLanguage() {
        for (Catalog.Entry entry : KB.catalog().entries()) {
            for (Locale locale : Locales.SUPPORTED) {
                for (String key : List.of(".title", ".requirement", ".remediation")) {
                    assertThat(KB.messages().has(locale, entry.id() + key))
                            .as("%s%s in %s", entry.id(), key, locale)
                            .isTrue();
                }
            }
        }
    }

    /** An officer can see why each item exists: the texts that back it, each with its grade. */
    @Test
    void everyRecommendationNamesAtLeastOneSourceWithItsSectionAndGrade() {
        for (Catalog.Entry entry : KB.catalog().entries()) {
            assertThat(KB.catalog().sourcesOf(entry.id()))
                    .as("sources of %s", entry.id())
                    .isNotEmpty()
                    .allSatisfy(s -> {
                        assertThat(s.document()).isNotBlank();
                        assertThat(s.section()).isNotBlank();
                        assertThat(s.grade()).isNotNull();
                        assertThat(s.location()).startsWith("http");
                    });
        }
    }

    @Test
    void everyRuleIsCompiledFromTheDrlTextWeRead() {
        assertThat(ruleOutcomes().keySet())
                .containsExactlyInAnyOrderElementsOf(KB.rules().keySet());
    }

    @Test
    void everyRuleDecidesAResultThatSomeFixtureAsserts() {
        Set<String> unasserted = new TreeSet<>();
        ruleOutcomes().forEach((rule, outcome) -> {
            if (!ASSERTED.getOrDefault(rule, Set.of()).contains(outcome)) {
                unasserted.add(rule + " (" + outcome + ")");
            }
        });
        assertThat(unasserted).as("rules whose decision no fixture asserts").isEmpty();
    }

    @Test
    void everyRecommendationHasAFixtureForEachOutcomeItsRulesProduce() {
        Map<String, Set<Outcome>> possible = new TreeMap<>();
        Map<String, Set<Outcome>> covered = new TreeMap<>();
        ruleOutcomes().forEach((rule, outcome) -> {
            String id = KB.rule(rule).orElseThrow().recommendationId();
            possible.computeIfAbsent(id, k -> EnumSet.noneOf(Outcome.class)).add(outcome);
            if (ASSERTED.getOrDefault(rule, Set.of()).contains(outcome)) {
                covered.computeIfAbsent(id, k -> EnumSet.noneOf(Outcome.class)).add(outcome);
            }
        });
        assertThat(possible.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        KB.catalog().entries().stream().map(Catalog.Entry::id).toList());
        possible.forEach((id, outcomes) -> assertThat(covered.getOrDefault(id, Set.of()))
                .as("outcomes of %s asserted by fixtures", id)
                .isEqualTo(outcomes));
    }

    /**
     * The sharing decision comes from the remedy of the rules that fail: every rule that fails a
     * MUST or SHOULD sharing item must say which (REDACT, MARK, CONSENT or BLOCK).
     */
    @Test
    void everyFailingSharingRuleDeclaresItsRemedy() {
        List<String> missing = new java.util.ArrayList<>();
        ruleOutcomes().forEach((rule, outcome) -> {
            RuleInfo info = KB.rule(rule).orElseThrow();
            Catalog.Entry entry = KB.catalog().entry(info.recommendationId()).orElseThrow();
            boolean sharing = KB.catalog().topicOf(entry) == io.kakunin.api.model.Topic.INFORMATION_SHARING;
            if (sharing
                    && outcome == Outcome.FAIL
                    && entry.level() == io.kakunin.api.model.Level.MUST
                    && !Set.of("REDACT", "MARK", "CONSENT", "BLOCK").contains(String.valueOf(info.remedy()))) {
                missing.add(rule);
            }
        });
        assertThat(missing).isEmpty();
    }

    /** The built-in ruleset passes the one gate every ruleset passes, with its default policy. */
    @Test
    void theBuiltInRulesetPassesThePublicationGate() {
        Verification verification = PublicationGate.verify(
                KB, FixtureCase.scan(Fixtures.root()), PublicationGate.Policy.DEFAULT, Runnable::run);
        assertThat(verification.diagnostics()).isEmpty();
        assertThat(verification.accepted()).isTrue();
        assertThat(verification.fixtures().coveragePercent()).isEqualTo(100.0);
    }

    // ------------------------------------------------------------------ the checks bite

    private static RulesetFiles builtInWith(String path, String content) {
        return KB.files().with(path, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRuleThatNamesNoRecommendationIsRefused() {
        RulesetFiles files = builtInWith("product/stray.drl", """
                package io.kakunin.rules.product;
                import io.kakunin.api.model.Product;
                global io.kakunin.kb.Outcomes outcomes;
                rule "A rule with no recommendation"
                when
                    $p : Product( name == "x" )
                then
                    outcomes.pass(drools, $p);
                end
                """);
        assertThatThrownBy(() -> Ruleset.compile(files, "test"))
                .isInstanceOf(RulesetException.class)
                .satisfies(e -> assertThat(((RulesetException) e).diagnostics()).anySatisfy(d -> {
                    assertThat(d.file()).isEqualTo("product/stray.drl");
                    assertThat(d.line()).isEqualTo(4);
                    assertThat(d.message()).contains("names no recommendation");
                }));
    }

    @Test
    void aRuleThatNamesAnUnknownRecommendationIsRefused() {
        RulesetFiles files = builtInWith("product/stray.drl", """
                package io.kakunin.rules.product;
                import io.kakunin.api.model.Product;
                global io.kakunin.kb.Outcomes outcomes;
                rule "A rule for an item nobody catalogued"
                    @recommendation("PS-9.9")
                when
                    $p : Product( name == "x" )
                then
                    outcomes.pass(drools, $p);
                end
                """);
        assertThatThrownBy(() -> Ruleset.compile(files, "test"))
                .isInstanceOf(RulesetException.class)
                .hasMessageContaining("PS-9.9, which catalog.yaml does not list");
    }

    @Test
    void aRecommendationWithoutARuleIsRefused() {
        String catalog = KB.files().text("catalog.yaml") + """
                  - id: PS-4.99
                    measure: PS-4
                    level: MUST
                    subject: PRODUCT
                    evidence: DEVICE_TEST
                    confidence: I
                    sources:
                      - {document: etsi-en-303-645, section: "5.7-1"}
                """;
        assertThatThrownBy(() -> Ruleset.compile(builtInWith("catalog.yaml", catalog), "test"))
                .isInstanceOf(RulesetException.class)
                .hasMessageContaining("recommendation PS-4.99 has no rule");
    }

    @Test
    void aDuplicateRecommendationIdIsRefused() {
        String catalog = KB.files().text("catalog.yaml") + """
                  - id: PS-4.2
                    measure: PS-4
                    level: SHOULD
                    subject: PRODUCT
                    evidence: DEVICE_TEST
                    confidence: I
                    sources:
                      - {document: etsi-en-303-645, section: "5.7-1"}
                """;
        assertThatThrownBy(() -> Ruleset.compile(builtInWith("catalog.yaml", catalog), "test"))
                .isInstanceOf(RulesetException.class)
                .hasMessageContaining("recommendation PS-4.2 is listed twice");
    }

    @Test
    void aTextMissingInOneLanguageIsRefused() {
        String japanese = KB.files().text("messages_ja.properties").replaceAll("(?m)^PS-4\\.2\\.title=.*$", "");
        assertThatThrownBy(() -> Ruleset.compile(builtInWith("messages_ja.properties", japanese), "test"))
                .isInstanceOf(RulesetException.class)
                .satisfies(e -> assertThat(((RulesetException) e).diagnostics()).anySatisfy(d -> {
                    assertThat(d.file()).isEqualTo("messages_ja.properties");
                    assertThat(d.message()).contains("PS-4.2.title");
                }));
    }

    @Test
    void aRemedyOutsideTheClosedSetIsRefusedAtItsPlace() {
        String nda = KB.files().text("sharing/nda.drl");
        int at = nda.indexOf("@remedy(\"");
        String misspelt = nda.substring(0, at) + "@remedy(\"REDCT\")" + nda.substring(nda.indexOf(')', at) + 1);
        int line =
                (int) misspelt.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        int column = at - misspelt.lastIndexOf('\n', at - 1);
        Ruleset.Checked checked = Ruleset.check(builtInWith("sharing/nda.drl", misspelt), "test", Map.of());
        assertThat(checked.usable()).isFalse();
        assertThat(checked.diagnostics()).anySatisfy(d -> {
            assertThat(d.file()).isEqualTo("sharing/nda.drl");
            assertThat(d.line()).isEqualTo(line);
            assertThat(d.column()).isEqualTo(column);
            assertThat(d.message()).contains("remedy \"REDCT\"").contains("BLOCK, CONSENT, REDACT, MARK");
        });
    }

    @Test
    void aNumberWrittenIntoARuleIsRefusedAtItsPlace() {
        String rules = KB.files()
                .text("product/after-shipment.drl")
                .replace("monitoringIntervalDays > $max )", "monitoringIntervalDays > 30 )");
        Ruleset.Checked checked = Ruleset.check(builtInWith("product/after-shipment.drl", rules), "test", Map.of());
        assertThat(checked.usable()).isFalse();
        assertThat(checked.diagnostics()).anySatisfy(d -> {
            assertThat(d.file()).isEqualTo("product/after-shipment.drl");
            assertThat(d.line()).isPositive();
            assertThat(d.column()).isPositive();
            assertThat(d.message()).contains("thresholds.properties");
        });
    }

    @Test
    void aDrlSyntaxErrorIsReportedAtItsFileLineAndColumn() {
        RulesetFiles files = builtInWith("product/broken.drl", """
                package io.kakunin.rules.product;
                import io.kakunin.api.model.Product;
                global io.kakunin.kb.Outcomes outcomes;
                rule "Broken"
                    @recommendation("PS-4.2")
                when
                    $p : Product( defaultPasswordPolicy == )
                then
                    outcomes.pass(drools, $p);
                end
                """);
        assertThatThrownBy(() -> Ruleset.compile(files, "test"))
                .isInstanceOf(RulesetException.class)
                .satisfies(e -> {
                    List<Diagnostic> diagnostics = ((RulesetException) e).diagnostics();
                    assertThat(diagnostics)
                            .allSatisfy(d -> assertThat(d.message()).doesNotContain("null Package"));
                    assertThat(diagnostics).anySatisfy(d -> {
                        assertThat(d.file()).isEqualTo("product/broken.drl");
                        assertThat(d.line()).isEqualTo(7);
                        assertThat(d.column()).isPositive();
                        assertThat(d.isError()).isTrue();
                    });
                });
    }
}
