package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.EvidenceType;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.api.model.JcStarCoverage;
import io.kakunin.api.model.JcStarProductChecklist;
import io.kakunin.api.model.JcStarReadiness;
import io.kakunin.api.model.JcStarRow;
import io.kakunin.api.model.JcStarSelfCheck;
import io.kakunin.api.model.JcStarWording;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.Product;
import io.kakunin.api.model.SourceConfidence;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.FixtureSuite;
import io.kakunin.kb.fixtures.PublicationGate;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.Catalog;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.RulesetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The JC-STAR ★1 checklist, at the engine: the scheme's 16 rows, which recommendations decide
 * each (read from the catalog's references alone), readiness per product, PSTI coverage, the
 * maker's own check of the rows the ruleset cannot judge, and the same answer for a stored verdict
 * read with the revision's texts.
 */
class JcStarChecklistTests {

    private static final Ruleset KB = Ruleset.builtIn();
    private static final String SCENARIOS = "product-security/";
    private static final String READY =
            SCENARIOS + "scenario-psti-conformant-smart-plug-checked-by-its-maker-is-ready-to-apply-for-jc-star";
    private static final String ONE_ROW = SCENARIOS
            + "scenario-smart-plug-that-installs-unverified-updates-is-not-ready-for-jc-star-on-s1.1-08-alone";

    private static AssessmentRequest request(String scenario) throws Exception {
        return Json.mapper()
                .readValue(
                        Files.readAllBytes(Fixtures.root().resolve(scenario + "/request.json")),
                        AssessmentRequest.class);
    }

    private static JcStarRow row(JcStarProductChecklist product, String id) {
        return product.getRows().stream()
                .filter(r -> r.getRequirementId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> deciding(String row) {
        return KB.catalog().decidingEntries(row).stream()
                .map(d -> d.entry().id())
                .toList();
    }

    @Test
    void theSchemeListsTheSixteenStar1RequirementsInIpasOrder() {
        Catalog.StarScheme scheme = KB.catalog().jcStar().orElseThrow();
        assertThat(scheme.requirements())
                .extracting(Catalog.StarRequirement::id)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 16)
                        .mapToObj(i -> String.format(Locale.ROOT, "S1.1-%02d", i))
                        .toList());
        assertThat(scheme.requirements())
                .filteredOn(r -> r.wording() == JcStarWording.UNKNOWN)
                .extracting(Catalog.StarRequirement::id)
                .containsExactly("S1.1-09", "S1.1-11", "S1.1-14", "S1.1-16");
        assertThat(scheme.requirements())
                .filteredOn(Catalog.StarRequirement::pstiCovered)
                .extracting(Catalog.StarRequirement::id)
                .containsExactly("S1.1-02", "S1.1-05", "S1.1-16");
    }

    /** What no source gives is said to be unknown, in every language, and not worded as IPA's. */
    @Test
    void rowsWhoseTextIsUnknownSaySoInEveryLanguage() {
        for (String id : List.of("S1.1-09", "S1.1-11", "S1.1-14")) {
            assertThat(KB.text(Locale.ENGLISH, "jcStar." + id + ".requirement")).contains("was not found");
            assertThat(KB.text(Locale.JAPANESE, "jcStar." + id + ".requirement"))
                    .contains("確認できていません");
            assertThat(KB.text(Locale.TRADITIONAL_CHINESE, "jcStar." + id + ".requirement"))
                    .contains("未能確認");
        }
        assertThat(KB.text(Locale.JAPANESE, "jcStar.S1.1-02.title")).isEqualTo("共通でないデフォルトパスワード");
        assertThat(KB.text(Locale.JAPANESE, "jcStar.S1.1-04.requirement"))
                .isEqualTo("IoT機器に対するネットワークを介したユーザ認証の仕組みについて、総当たり攻撃を困難とすること。");
    }

    @Test
    void whichRecommendationsDecideARowIsReadFromTheirJcStarReferences() {
        assertThat(deciding("S1.1-01")).containsExactly("PS-4.1");
        assertThat(deciding("S1.1-05")).containsExactly("PS-6.2", "PS-6.4");
        assertThat(deciding("S1.1-06")).containsExactly("PS-4.5");
        assertThat(deciding("S1.1-08")).containsExactly("PS-4.6");
        assertThat(deciding("S1.1-13"))
                .as("criterion (a), interfaces; criterion (b), the known-vulnerability scan")
                .containsExactly("PS-4.10", "PS-5.7");
        assertThat(deciding("S1.1-15")).containsExactly("PS-4.13");
        assertThat(deciding("S1.1-09")).isEmpty();
        assertThat(deciding("S1.1-14")).isEmpty();
        Catalog.Deciding storage = KB.catalog().decidingEntries("S1.1-11").get(0);
        assertThat(storage.entry().id()).isEqualTo("PS-4.9");
        assertThat(storage.reference().confidence())
                .as("an ID found by elimination")
                .isEqualTo(SourceConfidence.I);
        assertThat(KB.catalog().decidingEntries("S1.1-16").get(0).reference().confidence())
                .isEqualTo(SourceConfidence.I);
        assertThat(KB.catalog().decidingEntries("S1.1-08").get(0).reference().note())
                .contains("anti-rollback")
                .contains("(I)");
    }

    /** Where a source says how IPA assesses a row, the items whose reference to it is not in doubt are assessed so. */
    @Test
    void theItemsOfARowAreAssessedAsIpaAssessesTheRow() {
        for (Catalog.StarRequirement row : KB.catalog().jcStar().orElseThrow().requirements()) {
            if (row.evidence().isEmpty()) {
                continue;
            }
            for (Catalog.Deciding d : KB.catalog().decidingEntries(row.id())) {
                if (d.reference().confidence() == null) {
                    assertThat(d.entry().evidence())
                            .as("%s for %s", d.entry().id(), row.id())
                            .isEqualTo(row.evidence());
                }
            }
        }
    }

    @Test
    void aProductReadyOnEveryRowIsReadyToApply() throws Exception {
        JcStarChecklist checklist = KB.jcStar(request(READY), Locale.ENGLISH);
        JcStarProductChecklist plug = checklist.getProducts().get(0);
        assertThat(plug.getReadyToApply()).isTrue();
        assertThat(plug.getRows()).hasSize(16).allMatch(r -> r.getReadiness() == JcStarReadiness.READY);
        assertThat(row(plug, "S1.1-02").getCoverage()).isEqualTo(JcStarCoverage.PSTI);
        assertThat(row(plug, "S1.1-02").getEvidenceTypes()).isEmpty();
        assertThat(row(plug, "S1.1-09").getCoverage()).isEqualTo(JcStarCoverage.SELF_CHECK);
        JcStarRow erasure = row(plug, "S1.1-15");
        assertThat(erasure.getCoverage()).isEqualTo(JcStarCoverage.RECOMMENDATIONS);
        assertThat(erasure.getEvidenceTypes()).containsExactly(EvidenceType.DOCUMENT_REVIEW, EvidenceType.DEVICE_TEST);
        assertThat(erasure.getEvidenceConfidence()).isEqualTo(SourceConfidence.C);
        assertThat(erasure.getPrepare()).contains("ドキュメント評価").contains("実機評価");
        assertThat(row(plug, "S1.1-13").getEvidenceConfidence())
                .as("no source says how IPA assesses S1.1-13: taken from PS-4.10")
                .isEqualTo(SourceConfidence.I);
        assertThat(checklist.getRuleset().getRevision()).isEqualTo(KB.revision());
    }

    @Test
    void aProductFailingOneRecommendationIsNotReadyOnTheRowItDecidesAlone() throws Exception {
        JcStarProductChecklist plug =
                KB.jcStar(request(ONE_ROW), Locale.ENGLISH).getProducts().get(0);
        assertThat(plug.getReadyToApply()).isFalse();
        assertThat(plug.getRows())
                .filteredOn(r -> r.getReadiness() != JcStarReadiness.READY)
                .extracting(JcStarRow::getRequirementId)
                .containsExactly("S1.1-08");
        JcStarRow update = row(plug, "S1.1-08");
        assertThat(update.getDecidedBy()).singleElement().satisfies(d -> {
            assertThat(d.getRecommendationId()).isEqualTo("PS-4.6");
            assertThat(d.getOutcome()).isEqualTo(Outcome.FAIL);
        });
        assertThat(update.getMessage()).isEqualTo("A recommendation that decides this row fails: PS-4.6.");
        assertThat(plug.getSummary()).contains("S1.1-08");
    }

    /** PSTI covers only the three rows IPA waives; without the claim they are judged like the others. */
    @Test
    void pstiCoversOnlyTheRowsIpaWaivesAndOnlyWhenClaimed() throws Exception {
        AssessmentRequest request = request(READY);
        Product plug = request.getProducts().get(0);
        plug.defaultPasswordPolicy(io.kakunin.api.model.DefaultPasswordPolicy.SHARED)
                .credentialChangeable(false);
        JcStarProductChecklist claimed =
                KB.jcStar(request, Locale.ENGLISH).getProducts().get(0);
        assertThat(row(claimed, "S1.1-02").getReadiness()).isEqualTo(JcStarReadiness.READY);
        assertThat(row(claimed, "S1.1-02").getDecidedBy().get(0).getOutcome())
                .as("the result behind the row is still shown")
                .isEqualTo(Outcome.FAIL);
        assertThat(row(claimed, "S1.1-03").getReadiness()).isEqualTo(JcStarReadiness.NOT_READY);

        plug.pstiConformant(false);
        JcStarProductChecklist unclaimed =
                KB.jcStar(request, Locale.ENGLISH).getProducts().get(0);
        assertThat(row(unclaimed, "S1.1-02").getReadiness()).isEqualTo(JcStarReadiness.NOT_READY);
        assertThat(row(unclaimed, "S1.1-02").getCoverage()).isEqualTo(JcStarCoverage.RECOMMENDATIONS);
    }

    /**
     * A row no recommendation decides is never ready on nobody's word: unknown, asking for the
     * maker's check; the check decides it; a check of a row the recommendations decide changes nothing.
     */
    @Test
    void theMakersCheckDecidesOnlyTheRowsNoRecommendationDecides() throws Exception {
        AssessmentRequest request = request(ONE_ROW);
        Product plug = request.getProducts().get(0);
        plug.jcStarSelfChecks(List.of(
                new JcStarSelfCheck().requirementId("S1.1-14").met(false),
                new JcStarSelfCheck().requirementId("S1.1-08").met(true)));
        JcStarProductChecklist checklist =
                KB.jcStar(request, Locale.ENGLISH).getProducts().get(0);
        JcStarRow unchecked = row(checklist, "S1.1-09");
        assertThat(unchecked.getReadiness()).isEqualTo(JcStarReadiness.UNKNOWN);
        assertThat(unchecked.getCoverage()).isEqualTo(JcStarCoverage.NONE);
        assertThat(unchecked.getMissingFacts()).containsExactly("/products/0/jcStarSelfChecks");
        assertThat(row(checklist, "S1.1-14").getReadiness()).isEqualTo(JcStarReadiness.NOT_READY);
        assertThat(row(checklist, "S1.1-08").getReadiness()).isEqualTo(JcStarReadiness.NOT_READY);
        assertThat(checklist.getFollowUp()).containsExactly("/products/0/jcStarSelfChecks");
        assertThat(checklist.getSummary()).contains("S1.1-08, S1.1-14");
    }

    @Test
    void aRowWaitingForFactsNamesThemAndOrganizationItemsDecideTheDisclosureRow() throws Exception {
        AssessmentRequest request = request(ONE_ROW);
        request.getOrganization().vulnerabilityDisclosurePolicy(null);
        request.getProducts().get(0).secureStorageMethod(null);
        JcStarProductChecklist plug =
                KB.jcStar(request, Locale.ENGLISH).getProducts().get(0);
        JcStarRow disclosure = row(plug, "S1.1-05");
        assertThat(disclosure.getReadiness()).isEqualTo(JcStarReadiness.UNKNOWN);
        assertThat(disclosure.getDecidedBy())
                .extracting(d -> d.getRecommendationId() + " " + d.getSubject() + " " + d.getOutcome())
                .containsExactly("PS-6.2 /organization PASS", "PS-6.4 /organization NEEDS_INFORMATION");
        assertThat(disclosure.getMissingFacts())
                .containsExactly("/organization/vulnerabilityDisclosurePolicy/published");
        assertThat(row(plug, "S1.1-11").getMissingFacts()).containsExactly("/products/0/secureStorageMethod");
        assertThat(plug.getFollowUp())
                .containsExactly(
                        "/organization/vulnerabilityDisclosurePolicy/published", "/products/0/secureStorageMethod");
    }

    @Test
    void theChecklistComesInJapaneseAndTraditionalChinese() throws Exception {
        JcStarProductChecklist ja =
                KB.jcStar(request(ONE_ROW), Locale.JAPANESE).getProducts().get(0);
        assertThat(row(ja, "S1.1-02").getTitle()).isEqualTo("共通でないデフォルトパスワード");
        assertThat(row(ja, "S1.1-08").getMessage()).isEqualTo("この行を判定する推奨事項を満たしていません: PS-4.6。");
        assertThat(row(ja, "S1.1-08").getDecidedBy().get(0).getTitle()).isEqualTo("アップデートをインストール前に検証する");
        JcStarChecklist zh = KB.jcStar(request(ONE_ROW), Locale.TRADITIONAL_CHINESE);
        assertThat(zh.getLocale()).isEqualTo("zh-TW");
        assertThat(row(zh.getProducts().get(0), "S1.1-05").getTitle()).isEqualTo("漏洞揭露政策");
    }

    /** The service derives the checklist from the stored verdict with the texts of its revision: the same answer. */
    @Test
    void aStoredVerdictReadWithTheTextsOfItsRevisionGivesTheSameChecklist() throws Exception {
        AssessmentRequest request = request(ONE_ROW);
        Assessment verdict = KB.assess(request, Locale.ENGLISH);
        Assessment stored = StoredVerdicts.fromJson(StoredVerdicts.toJson(verdict));
        JcStarChecklist fromTexts = RulesetTexts.read(KB.files(), "read").jcStar(request, stored, Locale.JAPANESE);
        JcStarChecklist fromEngine = KB.jcStar(request, verdict, Locale.JAPANESE);
        assertThat((JsonNode) Json.mapper().valueToTree(fromTexts))
                .isEqualTo((JsonNode) Json.mapper().valueToTree(fromEngine));
    }

    @Test
    void aVerdictOfAnotherRevisionIsRefused() throws Exception {
        AssessmentRequest request = request(ONE_ROW);
        Assessment verdict = KB.assess(request, Locale.ENGLISH);
        verdict.getRuleset().revision("sha256:0000");
        assertThatThrownBy(() -> KB.jcStar(request, verdict, Locale.ENGLISH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256:0000");
    }

    @Test
    void aMakerCheckingOneRowTwiceIsToldWhere() throws Exception {
        AssessmentRequest request = request(READY);
        request.getProducts()
                .get(0)
                .jcStarSelfChecks(List.of(
                        new JcStarSelfCheck().requirementId("S1.1-09").met(true),
                        new JcStarSelfCheck().requirementId("S1.1-09").met(false)));
        assertThatThrownBy(() -> KB.jcStar(request, Locale.ENGLISH))
                .isInstanceOfSatisfying(
                        InvalidFactsException.class,
                        e -> assertThat(e.problems()).singleElement().satisfies(p -> {
                            assertThat(p.pointer()).isEqualTo("/products/0/jcStarSelfChecks/1/requirementId");
                            assertThat(p.detail()).contains("/products/0/jcStarSelfChecks/0");
                        }));
    }

    @Test
    void aCatalogWithoutTheSchemeHasNoChecklist() throws Exception {
        String catalog = KB.files().text("catalog.yaml");
        String without = catalog.substring(0, catalog.indexOf("\njcStar:"))
                + catalog.substring(catalog.indexOf("\nrecommendations:"));
        // The same rule files: the compiled rules of the built-in ruleset serve, nothing is compiled.
        Ruleset old = Ruleset.check(
                        KB.files().with("catalog.yaml", without.getBytes(StandardCharsets.UTF_8)),
                        "old",
                        java.util.Map.of(),
                        KB)
                .ruleset();
        assertThat(old.hasJcStar()).isFalse();
        AssessmentRequest request = request(READY);
        assertThatThrownBy(() -> old.jcStar(request, Locale.ENGLISH)).isInstanceOf(UnsupportedOperationException.class);
    }

    /** A reference to a row the scheme does not list would map an item to a row nobody sees. */
    @Test
    void aReferenceToARowTheSchemeDoesNotListIsRefused() {
        String catalog = KB.files().text("catalog.yaml");
        String broken = catalog.replace("{scheme: JC_STAR, id: \"S1.1-04\"}", "{scheme: JC_STAR, id: \"S1.1-17\"}");
        assertThat(broken).isNotEqualTo(catalog);
        assertThatThrownBy(() -> Catalog.parse(broken))
                .isInstanceOfSatisfying(
                        RulesetException.class,
                        e -> assertThat(e.diagnostics())
                                .extracting(Diagnostic::message)
                                .contains("PS-4.4 refers to JC-STAR S1.1-17, which the jcStar scheme does not list"));
    }

    /** An officer's fixture whose ★1 expectation is wrong fails at the line of the expectation, as a verdict's would. */
    @Test
    void aWrongChecklistExpectationFailsTheFixtureAtItsLine() throws Exception {
        byte[] request = Files.readAllBytes(Fixtures.root().resolve(ONE_ROW + "/request.json"));
        byte[] expected = Files.readAllBytes(Fixtures.root().resolve(ONE_ROW + "/expected.json"));
        String wrong = """
                {
                  "products": [
                    {
                      "subject": "/products/0",
                      "rows": [
                        {"requirementId": "S1.1-08", "readiness": "READY"}
                      ]
                    }
                  ]
                }
                """;
        FixtureCase fixture = FixtureCase.scan(java.util.Map.of(
                        "product-security/wrong/request.json", request,
                        "product-security/wrong/expected.json", expected,
                        "product-security/wrong/expected-jc-star.json", wrong.getBytes(StandardCharsets.UTF_8)))
                .cases()
                .get(0);
        FixtureSuite.CaseResult result = FixtureSuite.run(KB, fixture);
        assertThat(result.passed()).isFalse();
        assertThat(PublicationGate.diagnostics(result)).singleElement().satisfies(d -> {
            assertThat(d.file()).isEqualTo("fixtures/product-security/wrong/expected-jc-star.json");
            assertThat(d.line()).isEqualTo(6);
            assertThat(d.message()).contains("expected \"READY\", was \"NOT_READY\"");
        });
    }

    @Test
    void onlyProductSecurityFixturesExpectAChecklist() {
        FixtureCase.Scan scan = FixtureCase.scan(java.util.Map.of(
                "information-sharing/x/request.json", "{}".getBytes(StandardCharsets.UTF_8),
                "information-sharing/x/expected.json", "{}".getBytes(StandardCharsets.UTF_8),
                "information-sharing/x/expected-jc-star.json", "{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(scan.problems())
                .singleElement()
                .satisfies(d -> assertThat(d.file()).isEqualTo("fixtures/information-sharing/x/expected-jc-star.json"));
    }

    @Test
    void everyProductScenarioHasAnExpectedChecklist() {
        List<FixtureCase> scenarios = FixtureCase.load(Fixtures.root()).stream()
                .filter(c -> c.name().startsWith(SCENARIOS + "scenario-"))
                .toList();
        assertThat(scenarios).hasSizeGreaterThanOrEqualTo(8);
        assertThat(scenarios)
                .allSatisfy(c -> assertThat(c.expectedJcStar()).as(c.name()).isNotNull());
    }
}
