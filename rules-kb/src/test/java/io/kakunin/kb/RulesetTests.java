package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.DefaultPasswordPolicy;
import io.kakunin.api.model.Level;
import io.kakunin.api.model.NetworkService;
import io.kakunin.api.model.Organization;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Product;
import io.kakunin.api.model.ProductSecurityPolicy;
import io.kakunin.api.model.Result;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The outcome semantics and the engine API an integrator calls. */
class RulesetTests {

    private static final Ruleset KB = Ruleset.builtIn();

    private static AssessmentRequest oneProduct(Product product) {
        return new AssessmentRequest().organization(new Organization()).products(new ArrayList<>(List.of(product)));
    }

    private static Result result(Assessment verdict, String id, String subject) {
        return verdict.getResults().stream()
                .filter(r ->
                        r.getRecommendationId().equals(id) && r.getSubject().equals(subject))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no result " + id + " for " + subject));
    }

    @Test
    void rulesThatAreTheBuiltInOnesAreNotCompiledAgainButTakenFromTheJar() {
        Ruleset.Checked copy = Ruleset.check(KB.files(), "an exported copy", Map.of());
        assertThat(copy.ruleset().kieBase()).isSameAs(KB.kieBase());
        assertThat(copy.diagnostics()).isEmpty();

        String texts = new String(KB.files().files().get("messages_en.properties"), StandardCharsets.UTF_8)
                .replace("PS-4.2.title=No default password shared across devices", "PS-4.2.title=No shared password");
        Ruleset retitled = Ruleset.check(
                        KB.files().with("messages_en.properties", texts.getBytes(StandardCharsets.UTF_8)),
                        "texts edited",
                        Map.of())
                .ruleset();
        assertThat(retitled.kieBase()).as("texts are not compiled").isSameAs(KB.kieBase());
        assertThat(retitled.revision()).isNotEqualTo(KB.revision());
        assertThat(retitled.text(Locale.ENGLISH, "PS-4.2.title")).isEqualTo("No shared password");
    }

    @Test
    void aRulesetWithTheSameRuleFilesAsOneAtHandTakesItsCompiledRulesAndOtherRulesAreCompiled() {
        String policy = new String(KB.files().files().get("product/policy.drl"), StandardCharsets.UTF_8);
        RulesetFiles edited =
                KB.files().with("product/policy.drl", (policy + "\n// reviewed\n").getBytes(StandardCharsets.UTF_8));
        Ruleset compiled = Ruleset.check(edited, "a rule file edited", Map.of()).ruleset();
        assertThat(compiled.kieBase()).as("other rules are compiled").isNotSameAs(KB.kieBase());

        RulesetFiles retuned = edited.with(
                "thresholds.properties",
                (new String(edited.files().get("thresholds.properties"), StandardCharsets.UTF_8) + "\n# tuned\n")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(Ruleset.check(retuned, "thresholds edited", Map.of(), compiled)
                        .ruleset()
                        .kieBase())
                .isSameAs(compiled.kieBase());
        assertThat(Ruleset.check(retuned, "thresholds edited", Map.of())
                        .ruleset()
                        .kieBase())
                .as("without the ruleset at hand")
                .isNotSameAs(compiled.kieBase());
    }

    @Test
    void everyRecommendationGetsExactlyOneResultPerSubject() {
        AssessmentRequest request = new AssessmentRequest()
                .organization(new Organization())
                .products(new ArrayList<>(List.of(new Product(), new Product(), new Product())));
        Assessment verdict = KB.assess(request, Locale.ENGLISH);
        long orgItems = KB.catalog().entries().stream()
                .filter(e -> e.subject().getValue().equals("ORGANIZATION"))
                .count();
        long productItems = KB.catalog().entries().stream()
                .filter(e -> e.subject().getValue().equals("PRODUCT"))
                .count();
        assertThat(verdict.getResults()).hasSize((int) (orgItems + 3 * productItems));
        assertThat(verdict.getResults())
                .extracting(r -> r.getRecommendationId() + r.getSubject())
                .doesNotHaveDuplicates();
    }

    @Test
    void aMissingFactNeedsInformationAndNamesTheFact() {
        Assessment verdict = KB.assess(oneProduct(new Product()), Locale.ENGLISH);
        Result r = result(verdict, "PS-4.2", "/products/0");
        assertThat(r.getOutcome()).isEqualTo(Outcome.NEEDS_INFORMATION);
        assertThat(r.getMissingFacts()).containsExactly("/products/0/defaultPasswordPolicy");
        assertThat(verdict.getFollowUp()).anySatisfy(f -> {
            assertThat(f.getPointer()).isEqualTo("/products/0/defaultPasswordPolicy");
            assertThat(f.getRecommendationIds()).contains("PS-4.2");
        });
        assertThat(verdict.getOverallOutcome()).isEqualTo(OverallOutcome.INCOMPLETE);
    }

    @Test
    void aSharedDefaultPasswordFailsWithEvidenceReferencesAndTrace() {
        Assessment verdict = KB.assess(
                oneProduct(new Product().defaultPasswordPolicy(DefaultPasswordPolicy.SHARED)), Locale.ENGLISH);
        Result r = result(verdict, "PS-4.2", "/products/0");
        assertThat(r.getOutcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.getLevel()).isEqualTo(Level.MUST);
        assertThat(r.getEvidence()).containsExactly("/products/0/defaultPasswordPolicy");
        assertThat(r.getTitle()).isEqualTo("No default password shared across devices");
        assertThat(r.getMessage()).isEqualTo("Every device ships with the same default password.");
        assertThat(r.getRemediation()).contains("random");
        assertThat(r.getReferences()).anySatisfy(ref -> assertThat(ref.getId()).isEqualTo("S1.1-02"));
        assertThat(r.getFiredRules())
                .extracting(f -> f.getRule())
                .containsExactly("A product must not ship with a default password shared across devices");
        assertThat(verdict.getOverallOutcome()).isEqualTo(OverallOutcome.NON_COMPLIANT);
        assertThat(verdict.getRuleset().getRevision()).startsWith("sha256:").hasSize(71);
    }

    @Test
    void nestedFactsArePointedAtWhereTheyAreInTheRequest() {
        Product product = new Product()
                .networkServices(new ArrayList<>(List.of(
                        new NetworkService().name("https").authRequired(true),
                        new NetworkService().name("rtsp"),
                        new NetworkService().name("telnet").authRequired(false))));
        Result r = result(KB.assess(oneProduct(product), Locale.ENGLISH), "PS-4.1", "/products/0");
        assertThat(r.getOutcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.getEvidence()).containsExactly("/products/0/networkServices/2/authRequired");
        assertThat(r.getFiredRules())
                .extracting(f -> f.getOutcome())
                .containsExactlyInAnyOrder(Outcome.FAIL, Outcome.NEEDS_INFORMATION);
    }

    @Test
    void textsComeInJapaneseAndTraditionalChinese() {
        AssessmentRequest request = oneProduct(new Product().defaultPasswordPolicy(DefaultPasswordPolicy.SHARED));
        assertThat(result(KB.assess(request, Locale.JAPANESE), "PS-4.2", "/products/0")
                        .getTitle())
                .isEqualTo("機器間で共通のデフォルトパスワードを使わない");
        Assessment chinese = KB.assess(request, Locales.TRADITIONAL_CHINESE);
        assertThat(chinese.getLocale()).isEqualTo("zh-TW");
        assertThat(result(chinese, "PS-4.2", "/products/0").getTitle()).isEqualTo("裝置間不得共用預設密碼");
        assertThat(chinese.getMeasures())
                .anySatisfy(m -> assertThat(m.getTitle()).isEqualTo("安全的設計與開發"));
    }

    @Test
    void aVerdictCanBeRewrittenInAnotherLanguage() {
        AssessmentRequest request = oneProduct(new Product().defaultPasswordPolicy(DefaultPasswordPolicy.SHARED));
        Ruleset fixed = KB.withClock(Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC));
        Assessment english = fixed.assess(request, Locale.ENGLISH);
        Assessment japanese = fixed.assess(request, Locale.JAPANESE);
        assertThat(fixed.localize(english, Locale.JAPANESE)).isEqualTo(japanese);
    }

    @Test
    void theEvaluationDateDefaultsToTodayInUtc() {
        Ruleset fixed = KB.withClock(Clock.fixed(Instant.parse("2026-03-01T23:30:00Z"), ZoneOffset.UTC));
        Assessment verdict = fixed.assess(oneProduct(new Product()), Locale.ENGLISH);
        assertThat(verdict.getAssessmentDate()).isEqualTo(LocalDate.of(2026, 3, 1));
        assertThat(verdict.getCreatedAt().toInstant()).isEqualTo(Instant.parse("2026-03-01T23:30:00Z"));
    }

    @Test
    void aThresholdChangedInConfigurationChangesTheOutcomeAndTheRevision() {
        AssessmentRequest request = new AssessmentRequest()
                .assessmentDate(LocalDate.of(2026, 11, 1))
                .organization(new Organization()
                        .productSecurityPolicy(
                                new ProductSecurityPolicy().exists(true).lastReviewDate(LocalDate.of(2025, 6, 30))))
                .products(new ArrayList<>(List.of(new Product())));
        assertThat(result(KB.assess(request, Locale.ENGLISH), "PS-1.3", "/organization")
                        .getOutcome())
                .isEqualTo(Outcome.FAIL);

        Ruleset tolerant = Ruleset.builtIn(Map.of("policyReviewIntervalMonths", 24));
        Result r = result(tolerant.assess(request, Locale.ENGLISH), "PS-1.3", "/organization");
        assertThat(r.getOutcome()).isEqualTo(Outcome.PASS);
        assertThat(tolerant.revision()).isNotEqualTo(KB.revision());
        assertThat(tolerant.thresholds().value("policyReviewIntervalMonths")).isEqualTo(24);
        assertThat(result(
                                tolerant.assess(request.assessmentDate(LocalDate.of(2028, 1, 1)), Locale.ENGLISH),
                                "PS-1.3",
                                "/organization")
                        .getMessage())
                .contains("24 months");
    }

    @Test
    void failOutranksNeedsInformationWhichOutranksPassAndTheTraceKeepsEveryRule() {
        String extra = """
                package io.kakunin.rules.product;
                import io.kakunin.api.model.Product;
                global io.kakunin.kb.Outcomes outcomes;
                rule "Every product passes PS-4.3 for the sake of this test"
                    @recommendation("PS-4.3")
                when
                    $p : Product()
                then
                    outcomes.pass(drools, $p);
                end
                """;
        Ruleset kb =
                Ruleset.compile(KB.files().with("product/extra.drl", extra.getBytes(StandardCharsets.UTF_8)), "test");
        Result failed = result(
                kb.assess(oneProduct(new Product().credentialChangeable(false)), Locale.ENGLISH),
                "PS-4.3",
                "/products/0");
        assertThat(failed.getOutcome()).isEqualTo(Outcome.FAIL);
        assertThat(failed.getFiredRules())
                .extracting(f -> f.getOutcome())
                .containsExactlyInAnyOrder(Outcome.FAIL, Outcome.PASS);
        Result unknown = result(kb.assess(oneProduct(new Product()), Locale.ENGLISH), "PS-4.3", "/products/0");
        assertThat(unknown.getOutcome()).isEqualTo(Outcome.NEEDS_INFORMATION);
        assertThat(unknown.getMissingFacts()).containsExactly("/products/0/credentialChangeable");
    }

    @Test
    void aRecommendationNoRuleDecidedIsNeverPassedSilently() {
        String onlyForOneName = """
                package io.kakunin.rules.product;
                import io.kakunin.api.model.Product;
                global io.kakunin.kb.Outcomes outcomes;
                rule "Only the product called special is judged on PS-4.3"
                    @recommendation("PS-4.3")
                when
                    $p : Product( name == "special" )
                then
                    outcomes.pass(drools, $p);
                end
                """;
        RulesetFiles files = KB.files();
        String authentication = files.text("product/authentication.drl");
        String withoutPs43 = authentication.replaceAll("(?s)// -+ PS-4\\.3.*?(?=// -+ PS-4\\.4)", "");
        Ruleset kb = Ruleset.compile(
                files.with("product/authentication.drl", withoutPs43.getBytes(StandardCharsets.UTF_8))
                        .with("product/special.drl", onlyForOneName.getBytes(StandardCharsets.UTF_8)),
                "test");
        Result r = result(
                kb.assess(oneProduct(new Product().name("ordinary").credentialChangeable(true)), Locale.ENGLISH),
                "PS-4.3",
                "/products/0");
        assertThat(r.getOutcome()).isEqualTo(Outcome.NEEDS_INFORMATION);
        assertThat(r.getFiredRules()).isEmpty();
        assertThat(r.getMissingFacts()).containsExactly("/products/0/credentialChangeable");
        assertThat(r.getMessage()).contains("No rule decided");
    }

    @Test
    void overallOutcomeFollowsTheMustItemsOnly() {
        Result mustFail = new Result().level(Level.MUST).outcome(Outcome.FAIL);
        Result mustNeed = new Result().level(Level.MUST).outcome(Outcome.NEEDS_INFORMATION);
        Result mustPass = new Result().level(Level.MUST).outcome(Outcome.PASS);
        Result shouldFail = new Result().level(Level.SHOULD).outcome(Outcome.FAIL);
        Result shouldNeed = new Result().level(Level.SHOULD).outcome(Outcome.NEEDS_INFORMATION);
        assertThat(VerdictAssembler.overall(List.of(mustPass, mustNeed, mustFail)))
                .isEqualTo(OverallOutcome.NON_COMPLIANT);
        assertThat(VerdictAssembler.overall(List.of(mustPass, mustNeed, shouldFail)))
                .isEqualTo(OverallOutcome.INCOMPLETE);
        assertThat(VerdictAssembler.overall(List.of(mustPass, shouldFail, shouldNeed)))
                .isEqualTo(OverallOutcome.COMPLIANT);
    }

    @Test
    void unusableRequestsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> KB.assess(
                        new AssessmentRequest().products(new ArrayList<>(List.of(new Product()))), Locale.ENGLISH))
                .isInstanceOf(InvalidFactsException.class)
                .satisfies(e -> assertThat(((InvalidFactsException) e).problems())
                        .extracting(InvalidFactsException.Problem::pointer)
                        .containsExactly("/organization"));
        List<NetworkService> services = new ArrayList<>();
        services.add(new NetworkService().authRequired(true));
        services.add(null);
        assertThatThrownBy(() -> KB.assess(oneProduct(new Product().networkServices(services)), Locale.ENGLISH))
                .isInstanceOf(InvalidFactsException.class)
                .satisfies(e -> assertThat(((InvalidFactsException) e).problems())
                        .extracting(InvalidFactsException.Problem::pointer)
                        .containsExactly("/products/0/networkServices/1"));
        assertThatThrownBy(() -> KB.assess(
                        new AssessmentRequest().organization(new Organization()).products(new ArrayList<>()),
                        Locale.ENGLISH))
                .isInstanceOf(InvalidFactsException.class);
    }

    @Test
    void oneRulesetServesManyThreadsWithoutMixingTheirFacts() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean shared = i % 2 == 0;
                futures.add(pool.submit(() -> {
                    Product p = new Product()
                            .defaultPasswordPolicy(
                                    shared
                                            ? DefaultPasswordPolicy.SHARED
                                            : DefaultPasswordPolicy.USER_SET_AT_FIRST_USE);
                    Outcome o = result(KB.assess(oneProduct(p), Locale.ENGLISH), "PS-4.2", "/products/0")
                            .getOutcome();
                    return o == (shared ? Outcome.FAIL : Outcome.PASS);
                }));
            }
            for (Future<Boolean> f : futures) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sessions are pooled and reused: one evaluation must leave nothing behind for the next (a
     * fact, an agenda focus, a global). The same request before and after very different ones
     * gives the same results.
     */
    @Test
    void aReusedSessionCarriesNothingOverFromTheEvaluationBefore() {
        AssessmentRequest camera = fixture(
                "product-security/scenario-budget-network-camera-with-shared-password-and-telnet-is-non-compliant");
        AssessmentRequest lock = fixture("product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant");
        String first = Json.mapper()
                .writeValueAsString(KB.assess(camera, Locale.ENGLISH).getResults());
        for (int i = 0; i < 20; i++) {
            KB.assess(lock, Locale.ENGLISH);
            KB.review(
                    Json.mapper()
                            .readValue(
                                    read(
                                            "information-sharing/scenario-soc-shares-c2-and-hashes-with-a-coordination-centre-without-consent"),
                                    io.kakunin.api.model.SharingReviewRequest.class),
                    Locale.ENGLISH);
        }
        assertThat(Json.mapper()
                        .writeValueAsString(KB.assess(camera, Locale.ENGLISH).getResults()))
                .isEqualTo(first);
    }

    private static AssessmentRequest fixture(String name) {
        return Json.mapper().readValue(read(name), AssessmentRequest.class);
    }

    private static byte[] read(String name) {
        try {
            return java.nio.file.Files.readAllBytes(
                    io.kakunin.fixtures.Fixtures.root().resolve(name).resolve("request.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
