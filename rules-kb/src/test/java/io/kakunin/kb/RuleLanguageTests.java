package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.fixtures.HostileRules;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.RulesetException;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rules can only decide: the ruleset check refuses, before anything is compiled, every rule file
 * that could act, at the file, line and column of what would act; and the built-in rules, written
 * in the allowed language, pass it unchanged.
 */
class RuleLanguageTests {

    private static final RulesetFiles BUILT_IN = RulesetFiles.builtIn(RuleLanguageTests.class.getClassLoader());
    private static final Path DOCS = Path.of(System.getProperty("kakunin.repository", ".."), "docs");

    private static String where(Diagnostic d) {
        return d.file() + ":" + d.line() + ":" + d.column();
    }

    // ------------------------------------------------------------------ what passes

    @Test
    void theBuiltInRulesUseOnlyTheAllowedLanguage() {
        assertThat(BUILT_IN.files().keySet()).anyMatch(p -> p.endsWith(".drl"));
        assertThat(RuleLanguage.check(BUILT_IN)).isEmpty();
    }

    @Test
    void theGuidesDecisionTablesUseOnlyTheAllowedLanguage() throws IOException {
        RulesetFiles tables = RulesetFiles.of(Map.of(
                "product/device-checks.drl.csv",
                        Files.readAllBytes(DOCS.resolve("decision-tables/device-checks.drl.csv")),
                "product/device-checks.drl.xlsx",
                        Files.readAllBytes(DOCS.resolve("decision-tables/device-checks.drl.xlsx"))));
        assertThat(tables.files()).hasSize(2);
        assertThat(RuleLanguage.check(tables)).isEmpty();
    }

    // ------------------------------------------------------------------ the hostile corpus

    static Stream<HostileRules.Hostile> corpus() {
        return HostileRules.corpus().stream();
    }

    @Test
    void everyFileOfTheHostileCorpusIsTested() throws Exception {
        Path folder = Path.of(RuleLanguageTests.class.getResource("/malicious").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(HostileRules.corpus().stream()
                            .map(HostileRules.Hostile::file)
                            .toList());
        }
    }

    /**
     * The path an upload to validate takes (the built-in ruleset with the uploaded file), and
     * what validation does next with a usable ruleset: evaluate a request that fires the rule.
     * Without the check, each file acts (creates the canary when its rules compile or fire,
     * reads the system, or keeps a handle of its own).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void aHostileRuleFileIsRefusedWhereItWouldActAndNothingOfItRuns(HostileRules.Hostile hostile, @TempDir Path temp)
            throws Exception {
        Path canary = temp.resolve("canary");
        String text = hostile.text(canary);
        RulesetFiles files = BUILT_IN.with(hostile.target(), text.getBytes(StandardCharsets.UTF_8));

        Ruleset.Checked checked = Ruleset.check(files, "hostile upload", Map.of());
        if (checked.usable()) {
            checked.ruleset()
                    .assess(Json.mapper().readValue(HostileRules.REQUEST, AssessmentRequest.class), Locale.ENGLISH);
        }

        assertThat(checked.usable()).as("refused").isFalse();
        assertThat(checked.diagnostics())
                .as("located where it would act")
                .extracting(RuleLanguageTests::where)
                .contains(hostile.target() + ":" + hostile.expectedAt(text));
        assertThat(checked.diagnostics()).allSatisfy(d -> {
            assertThat(d.isError()).isTrue();
            assertThat(d.file()).isEqualTo(hostile.target());
        });
        assertThatThrownBy(() -> Ruleset.compile(files, "hostile upload"))
                .isInstanceOfSatisfying(
                        RulesetException.class, e -> assertThat(e.diagnostics()).isEqualTo(checked.diagnostics()));
        assertThat(canary).as("nothing of it ran").doesNotExist();
    }

    // ------------------------------------------------------------------ the allowed language, case by case

    private static final String HEADER = """
            // A rule for RuleLanguageTests.
            package io.kakunin.rules.product;

            import io.kakunin.api.model.Product;
            import io.kakunin.api.model.Organization;
            import io.kakunin.api.model.NetworkService;
            import io.kakunin.api.model.SecurityRoleAssignment;
            import io.kakunin.api.model.SharingReviewRequest;
            import io.kakunin.api.model.UpdateMechanism;
            import io.kakunin.api.model.LifecyclePhase;
            import io.kakunin.kb.Evaluation;
            import java.time.Duration;
            import java.util.Set;

            global io.kakunin.kb.Outcomes outcomes;

            """;

    private static String rule(String when, String then) {
        return HEADER + "rule \"A rule for the test\"\n    @recommendation(\"PS-4.2\")\nwhen\n" + when.indent(4)
                + "then\n" + then.indent(4) + "end\n";
    }

    private static List<Diagnostic> check(String drl) {
        return RuleLanguage.checkDrl("product/test.drl", drl);
    }

    static Stream<Arguments> allowed() {
        String pass = "outcomes.pass(drools, $p);";
        return Stream.of(
                Arguments.of(
                        "properties, null-safe paths, operators",
                        rule(
                                "$p : Product( name != null, !name.isBlank(), name.length() > 3, update!.mechanism in (UpdateMechanism.NONE), "
                                        + "name matches \"Cam.*\", name str[startsWith] \"C\", networkServices not contains null )",
                                pass)),
                Arguments.of(
                        "collection properties and JDK methods",
                        rule(
                                "$p : Product( networkServices != null, networkServices.size() > 0, !networkServices.isEmpty() )",
                                pass)),
                Arguments.of(
                        "from a property of a bound fact, and its getter",
                        rule(
                                "$p : Product( networkServices != null )\n$s : NetworkService( authRequired == false ) from $p.networkServices\n"
                                        + "exists NetworkService() from $p.getNetworkServices()",
                                "outcomes.failAt(drools, $p, $s, \"/authRequired\");")),
                Arguments.of(
                        "accumulate with a built-in function",
                        rule(
                                "$o : Organization( securityRoles != null )\n"
                                        + "Set( size < 4 ) from accumulate( SecurityRoleAssignment( $r : role ) from $o.securityRoles, collectSet( $r ) )\n"
                                        + "$n : Number( intValue > 0 ) from accumulate( $a : SecurityRoleAssignment() from $o.securityRoles, count( $a ) )",
                                "outcomes.fail(drools, $o, \"/securityRoles\");")),
                Arguments.of(
                        "thresholds through the evaluation",
                        rule(
                                "Evaluation( $cutoff : monthsBefore(\"trainingIntervalMonths\"), $max : threshold(\"oneOffMaxVictims\") )\n"
                                        + "$o : Organization( securityTraining!.lastDate < $cutoff, securityTraining.lastDate.isBefore($cutoff.plusDays(1)) )",
                                "outcomes.fail(drools, $o, \"/securityTraining/lastDate\");")),
                Arguments.of(
                        "allowed static calls and enum values",
                        rule(
                                "$c : SharingReviewRequest( Duration.between(incidentDetectedAt, plannedShareAt).toHours() > 72 )\n"
                                        + "$o : Organization( productSecurityPolicy!.coveredPhases.size() < LifecyclePhase.values().length )",
                                "outcomes.fail(drools, $c, \"/plannedShareAt\");")),
                Arguments.of(
                        "outcome arguments: literals, getters, constants, concatenation",
                        rule(
                                "$p : Product()",
                                "outcomes.fail(drools, $p, \"/name\", \"/update/\" + \"mechanism\");\n"
                                        + "outcomes.needInformation(drools, $p, $p.getName() + \"!\");\n"
                                        + "outcomes.notApplicable(drools, $p);")),
                Arguments.of("attributes with literal values", HEADER + """
                        rule "A rule with attributes"
                            @recommendation("PS-4.2") @reason("constrained")
                            salience -10
                            agenda-group "decision"
                            no-loop true
                            dialect "java"
                        when
                            $p : Product()
                        then
                            outcomes.pass(drools, $p);
                        end
                        """),
                Arguments.of(
                        "an escaped backslash before a u is not a unicode escape",
                        rule("$p : Product( name matches \"\\\\\\\\user\" )", pass)),
                Arguments.of(
                        "a misspelt property is left to the compiler",
                        rule("$p : Product( secureBooot == false )", pass)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowed")
    void aDeclarativeRulePasses(String what, String drl) {
        assertThat(check(drl)).as(drl).isEmpty();
    }

    static Stream<Arguments> refused() {
        String pass = "outcomes.pass(drools, $p);";
        return Stream.of(
                Arguments.of(rule("$p : Product( name.getClass().getName() == \"x\" )", pass), "getClass"),
                // Drools' DRLX entry point would stop at .class and see only "this"; the compiler reads it all.
                Arguments.of(rule("$p : Product( this.class.name == \"x\" )", pass), "cannot be checked"),
                Arguments.of(rule("$p : Product( name == String.valueOf(1) )", pass), "valueOf"),
                Arguments.of(rule("$p : Product( name == new String(\"x\") )", pass), "new"),
                Arguments.of(rule("$p : Product( networkServices.stream().count() > 0 )", pass), "stream"),
                Arguments.of(rule("$p : Product( name == \"x\"; java.lang.System.exit(1) )", pass), "java"),
                Arguments.of(rule("$p : Product( name.class != null )", pass), "class"),
                Arguments.of(rule("$p : Product( ((Object) name) != null )", pass), "a cast"),
                Arguments.of(rule("$p : Product( name == java.lang.System.getenv(\"HOME\") )", pass), "java"),
                Arguments.of(rule("$p : Product( name == outcomes.toString() )", pass), "outcomes"),
                Arguments.of(rule("$p : Product( networkServices.add(null) )", pass), "add"),
                Arguments.of(
                        rule("$p : Product()\n$s : NetworkService() from $p.networkServices.subList(0, 1)", pass),
                        "subList"),
                Arguments.of(rule("$p : Product()\n$s : NetworkService() from outcomes", pass), "outcomes"),
                Arguments.of(
                        rule("$p : Product()\nexists( Product() over window:length(2) )", pass), "sliding windows"),
                Arguments.of(
                        rule("$p : Product()\n$n : Number() from accumulate( $q : Product(), myFunction( $q ) )", pass),
                        "myFunction"),
                Arguments.of(rule("$p : Product()", "$p.setName(\"x\");\n" + pass), "$p.setName"),
                Arguments.of(
                        rule("$p : Product()", "outcomes.fail(drools, $p, $p.getName().getClass().getName());"),
                        "getClass"),
                Arguments.of(
                        rule("$p : Product()", "outcomes.fail(drools, $p, drools.getKieRuntime().toString());"),
                        "drools"),
                Arguments.of(rule("$p : Product()", "insert(new Product());"), "insert"),
                Arguments.of(rule("$p : Product()", "modify($p) { setName(\"x\") }"), "not plain Java"),
                Arguments.of(rule("$p : Product()", "for (int i = 0; i < 1; i++) { " + pass + " }"), "a for statement"),
                Arguments.of(
                        rule(
                                "$p : Product()",
                                "outcomes.fail(drools, $p, ((java.util.function.Supplier<String>) () -> \"x\").get());"),
                        "a cast"),
                Arguments.of(rule("$p : Product()", pass + "\ndrools.halt();"), "drools.halt()"),
                Arguments.of(rule("$p : Product()", "outcomes.fail(drools, $p, String.valueOf(1));"), "String"),
                Arguments.of(rule("$p : Product()", "outcomes = null;"), "outcomes = null"),
                Arguments.of(
                        rule(
                                "$p : Product()",
                                "outcomes.fail(drools, $p, \"/name\"); } static { System.exit(1); } void more() {"),
                        "not plain Java"),
                Arguments.of(rule("$p : Product( name == \"\\u0041\" )", pass), "unicode escape"),
                Arguments.of(HEADER + "declare Note\n    text : String\nend\n", "declare"),
                Arguments.of(HEADER + "query \"products\"\n    $p : Product()\nend\n", "query"),
                Arguments.of(
                        HEADER.replace("import java.util.Set;", "import java.util.Set;\nimport java.lang.Runtime;"),
                        "import java.lang.Runtime"),
                Arguments.of(
                        HEADER.replace(
                                "global io.kakunin.kb.Outcomes outcomes;", "global io.kakunin.kb.Outcomes sink;"),
                        "global"),
                Arguments.of(
                        rule("$p : Product()", pass)
                                .replace(
                                        "@recommendation(\"PS-4.2\")",
                                        "@recommendation(\"PS-4.2\")\n    timer (int: 1s)"),
                        "timer"),
                Arguments.of(
                        rule("$p : Product()", pass)
                                .replace(
                                        "@recommendation(\"PS-4.2\")",
                                        "@recommendation(\"PS-4.2\")\n    dialect \"mvel\""),
                        "dialect"),
                Arguments.of(
                        rule("$p : Product()", pass)
                                .replace(
                                        "@recommendation(\"PS-4.2\")",
                                        "@recommendation(\"PS-4.2\")\n    enabled ( $p != null )"),
                        "literal value"),
                Arguments.of(
                        rule("$p : Product()", pass)
                                .replace("then", "if ( $p.name == null ) do[missing]\nthen")
                                .replace("end\n", "then[missing]\n    " + pass + "\nend\n"),
                        "conditional branches"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refused")
    void aRuleThatCouldActIsRefused(String drl, String said) {
        List<Diagnostic> problems = check(drl);
        assertThat(problems).as(drl).isNotEmpty();
        assertThat(problems).allSatisfy(d -> assertThat(d.line()).isPositive());
        assertThat(problems.toString()).contains(said);
    }

    @Test
    void aRefusalInAThenPartIsReportedAtItsOwnLineAndColumn() {
        String drl = rule("$p : Product()", "outcomes.pass(drools, $p);\n\n  $p.setName(\"changed\");");
        List<Diagnostic> problems = check(drl);
        int line = 1
                + (int) drl.substring(0, drl.indexOf("$p.setName"))
                        .chars()
                        .filter(c -> c == '\n')
                        .count();
        assertThat(problems).extracting(RuleLanguageTests::where).containsExactly("product/test.drl:" + line + ":7");
    }

    @Test
    void aRefusalInAConstraintIsReportedAtTheWordThatActs() {
        String drl = rule(
                "$p : Product( name != null,\n              name == java.lang.System.getenv(\"HOME\") )",
                "outcomes.pass(drools, $p);");
        List<Diagnostic> problems = check(drl);
        int at = drl.indexOf("java.lang.System");
        int line = 1 + (int) drl.substring(0, at).chars().filter(c -> c == '\n').count();
        int column = at - drl.lastIndexOf('\n', at);
        assertThat(problems)
                .extracting(RuleLanguageTests::where)
                .containsExactly("product/test.drl:" + line + ":" + column);
        assertThat(problems.get(0).message())
                .contains("java is not a bound variable, a property of the fact model or an allowed type");
    }

    @Test
    void aFileThatDoesNotParseIsLeftToTheCompilerWhichCompilesNothingOfIt() {
        assertThat(check(rule("$p : Product( name == )", "outcomes.pass(drools, $p);")))
                .isEmpty();
    }
}
