package io.kakunin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.EffectiveDatesExample;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.Ruleset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The officers' command line, run as they run it: exit codes, output, files written. */
class KakuninCliTests {

    @TempDir
    static Path work;

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {}

    static Run kakunin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Kakunin(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        work)
                .run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void exportTheBuiltInRulesetWithItsFixtures() throws IOException {
        Path fixtures = work.resolve("shipped-fixtures");
        copy(Fixtures.root(), fixtures);
        Run export = kakunin("export", "good", "--fixtures", "shipped-fixtures");
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out())
                .contains("wrote the built-in ruleset " + Ruleset.builtIn().revision() + " to good")
                .containsPattern("copied \\d+ fixtures from shipped-fixtures to good/fixtures");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    /** A copy of the exported ruleset with the first occurrence of a text changed in one file. */
    private static String variant(String name, String file, String from, String to) throws IOException {
        copy(work.resolve("good"), work.resolve(name));
        Path path = work.resolve(name).resolve(file);
        String text = Files.readString(path);
        assertThat(text).contains(from);
        Files.writeString(
                path,
                text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
        return name;
    }

    private static int lineOf(String dir, String file, String text) throws IOException {
        List<String> lines = Files.readAllLines(work.resolve(dir).resolve(file));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    // ------------------------------------------------------------------ check

    @Test
    void checkAcceptsTheExportedRulesetWithTheSameRevision() {
        Run run = kakunin("check", "good");
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(Kakunin.OK);
        assertThat(run.out())
                .isEqualTo("ok: " + Ruleset.builtIn().rules().size() + " rules, "
                        + Ruleset.builtIn().catalog().entries().size() + " recommendations, version "
                        + Ruleset.builtIn().version() + ", revision "
                        + Ruleset.builtIn().revision()
                        + System.lineSeparator());
    }

    @Test
    void checkReportsASyntaxErrorAtItsFileLineAndColumn() throws IOException {
        String dir = variant(
                "syntax",
                "product/policy.drl",
                "$o : Organization( productSecurityPolicy == null ||",
                "$o : Organization( productSecurityPolicy == null |||");
        int line = lineOf(dir, "product/policy.drl", "|||");
        int column = Files.readAllLines(work.resolve(dir).resolve("product/policy.drl"))
                        .get(line - 1)
                        .indexOf("|||")
                + 3;
        Run run = kakunin("check", dir);
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.out())
                .as("the third '|' is the unexpected one")
                .startsWith("syntax/product/policy.drl:" + line + ":" + column + ": error: ");
        assertThat(run.out()).doesNotContain("null package").doesNotContain("Parser returned");
        assertThat(run.out())
                .as("the diagnostics and what they add up to, on one stream")
                .endsWith("1 error, 0 warnings" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void checkReportsAMissingParenthesisWhereItBelongsAndWhichOneIsOpen() throws IOException {
        String pattern = "productSecurityPolicy == null || productSecurityPolicy.exists == null )";
        String dir = variant(
                "unclosed",
                "product/policy.drl",
                pattern,
                "productSecurityPolicy == null || productSecurityPolicy.exists == null");
        int line = lineOf(dir, "product/policy.drl", "productSecurityPolicy.exists == null");
        String text = Files.readAllLines(work.resolve(dir).resolve("product/policy.drl"))
                .get(line - 1);
        Run run = kakunin("check", dir);
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.out())
                .isEqualTo("unclosed/product/policy.drl:" + line + ":"
                        + (text.stripTrailing().length() + 1)
                        + ": error: missing ')': the '(' at line " + line + ", column " + (text.indexOf('(') + 1)
                        + " is still open at 'then' on line " + (line + 1) + System.lineSeparator()
                        + "1 error, 0 warnings" + System.lineSeparator());
    }

    @Test
    void checkReportsAMisspeltFactAtItsNameWithTheFactsItMayHaveMeant() throws IOException {
        String dir = variant(
                "misspelt-fact",
                "product/integrity-and-transparency.drl",
                "Product( secureBoot == false )",
                "Product( secureBot == false )");
        int line = lineOf(dir, "product/integrity-and-transparency.drl", "secureBot == false");
        int column = Files.readAllLines(work.resolve(dir).resolve("product/integrity-and-transparency.drl"))
                        .get(line - 1)
                        .indexOf("secureBot")
                + 1;
        Run run = kakunin("check", dir);
        assertThat(run.out())
                .startsWith("misspelt-fact/product/integrity-and-transparency.drl:" + line + ":" + column
                        + ": error: Product has no fact 'secureBot': did you mean 'secureBoot'?"
                        + System.lineSeparator())
                .doesNotContain("io.kakunin")
                .doesNotContain("strict-mode");
    }

    @Test
    void checkRefusesANumberWrittenInARuleAtItsColumn() throws IOException {
        String dir = variant(
                "hard-coded",
                "product/after-shipment.drl",
                "monitoringIntervalDays > $max )",
                "monitoringIntervalDays > 30 )");
        int line = lineOf(dir, "product/after-shipment.drl", "monitoringIntervalDays > 30 )");
        int column = Files.readAllLines(work.resolve(dir).resolve("product/after-shipment.drl"))
                        .get(line - 1)
                        .indexOf("> 30")
                + 1;
        Run run = kakunin("check", dir);
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.out())
                .isEqualTo("hard-coded/product/after-shipment.drl:" + line + ":" + column
                        + ": error: a rule compares with the number written here (> 30); put tunable numbers in"
                        + " thresholds.properties and read them through Evaluation" + System.lineSeparator()
                        + "1 error, 0 warnings" + System.lineSeparator());
    }

    @Test
    void checkRefusesARuleNamingAnUnknownRecommendation() throws IOException {
        String dir = variant(
                "unknown-id",
                "product/after-shipment.drl",
                "@recommendation(\"PS-6.1\")",
                "@recommendation(\"PS-6.99\")");
        Run run = kakunin("check", dir);
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.out()).containsPattern("unknown-id/product/after-shipment\\.drl:\\d+:\\d+: error: .*PS-6\\.99");
        assertThat(run.out())
                .as("once, at the rule: not again as texts of PS-6.99 its @reason lacks")
                .doesNotContain("messages_")
                .endsWith("1 error, 0 warnings" + System.lineSeparator());
    }

    @Test
    void checkRefusesAMissingTranslation() throws IOException {
        String dir = variant("no-message", "messages_ja.properties", "PS-4.2.title=", "PS-4.2.titel=");
        Run run = kakunin("check", dir);
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.out())
                .containsPattern("no-message/messages_ja\\.properties:\\d+:\\d+: error: .*PS-4\\.2\\.title");
    }

    // ------------------------------------------------------------------ test

    @Test
    void testPassesEveryShippedFixtureWithFullCoverage() {
        Run run = kakunin("test", "good", "--coverage-min", "100");
        assertThat(run.exit()).as(run.err()).isEqualTo(Kakunin.OK);
        assertThat(run.out())
                .startsWith("checked good: " + Ruleset.builtIn().rules().size() + " rules, ")
                .containsPattern("(?m)^(\\d+) passed, 0 failed, \\1 fixtures in \\d+\\.\\d s$")
                .contains("rule coverage: " + Ruleset.builtIn().rules().size() + " of "
                        + Ruleset.builtIn().rules().size()
                        + " rules have their decision asserted by a fixture (100.0%)")
                .doesNotContain("FAIL");
    }

    @Test
    void testFailsWhenAFixtureFailsAndShowsTheDifference() throws IOException {
        String dir = variant(
                "weakened",
                "product/policy.drl",
                "productSecurityPolicy.approvedBy in (PolicyApprover.MANAGER, PolicyApprover.NONE)",
                "productSecurityPolicy.approvedBy in (PolicyApprover.NONE)");
        Run run = kakunin("test", dir, "--junit", "reports/weakened.xml");
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        String fixture = "product-security/ps-1-policy-of-a-manager-on-request-overdue-and-partial-fails-each-item";
        String expected = dir + "/fixtures/" + fixture + "/expected.json";
        java.util.regex.Matcher difference = java.util.regex.Pattern.compile(
                        "(?m)^\\Q" + expected
                                + "\\E:(\\d+):(\\d+): error: /results/(\\d+)/outcome: expected \"FAIL\", was \"NEEDS_INFORMATION\""
                                + " \\(in the verdict: /results/\\d+ \\{recommendationId=PS-1\\.1, subject=/organization}/outcome\\)$")
                .matcher(run.out());
        assertThat(difference.find()).as(run.out()).isTrue();
        String at = Files.readAllLines(work.resolve(expected))
                .get(Integer.parseInt(difference.group(1)) - 1)
                .substring(Integer.parseInt(difference.group(2)) - 1);
        assertThat(at).as("the line and column of the value that differs").startsWith("\"FAIL\"");
        assertThat(run.out())
                .contains("FAIL " + fixture + System.lineSeparator() + expected + ":")
                .containsPattern("(?m)^\\d+ passed, 1 failed, \\d+ fixtures in \\d+\\.\\d s$")
                .contains(
                        "not fired: A product security policy not approved by top management fails PS-1.1 (weakened/product/policy.drl:"
                                + lineOf(
                                        dir,
                                        "product/policy.drl",
                                        "rule \"A product security policy not approved by top management fails PS-1.1\"")
                                + ")");

        Document junit = junit("reports/weakened.xml");
        Element suite = junit.getDocumentElement();
        NodeList cases = suite.getElementsByTagName("testcase");
        NodeList failures = suite.getElementsByTagName("failure");
        assertThat(suite.getTagName()).isEqualTo("testsuite");
        assertThat(Integer.parseInt(suite.getAttribute("tests"))).isEqualTo(cases.getLength());
        // The fixture that fails, and the coverage the rule it no longer fires leaves under the default minimum.
        assertThat(Integer.parseInt(suite.getAttribute("failures")))
                .isEqualTo(failures.getLength())
                .isEqualTo(2);
        double fixtureSeconds = 0;
        double longestFixture = 0;
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            assertThat(c.getAttribute("classname")).startsWith("kakunin.");
            assertThat(c.getAttribute("name")).isNotBlank();
            assertThat(c.getAttribute("time"))
                    .as("seconds, as Surefire writes them")
                    .matches("\\d+\\.\\d{3}");
            fixtureSeconds += Double.parseDouble(c.getAttribute("time"));
            longestFixture = Math.max(longestFixture, Double.parseDouble(c.getAttribute("time")));
        }
        assertThat(fixtureSeconds).as("each fixture's own time is recorded").isPositive();
        assertThat(Double.parseDouble(suite.getAttribute("time")))
                .as("the run's time, compiling included; fixtures run side by side, so it is not their sum")
                .isGreaterThanOrEqualTo(longestFixture);
        assertThat(java.time.LocalDateTime.parse(suite.getAttribute("timestamp")))
                .isBetween(
                        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(10),
                        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC));
        Element failure = (Element) failures.item(0);
        assertThat(((Element) failure.getParentNode()).getAttribute("name"))
                .isEqualTo("ps-1-policy-of-a-manager-on-request-overdue-and-partial-fails-each-item");
        assertThat(failure.getAttribute("type")).isEqualTo("VerdictMismatch");
        assertThat(failure.getTextContent()).contains("expected \"FAIL\", was \"NEEDS_INFORMATION\"");
    }

    @Test
    void testFailsUnderTheCoverageMinimumAndNamesTheRulesNeverFired() throws IOException {
        Run byDefault = kakunin("test", "good", "--fixtures", "good/fixtures/information-sharing");
        assertThat(byDefault.exit())
                .as("every rule's decision must be asserted unless a lower minimum is asked for")
                .isEqualTo(Kakunin.FAILED);
        assertThat(byDefault.out()).containsPattern("rule coverage \\d+\\.\\d% is under the minimum of 100\\.0%");
        assertThat(byDefault.out())
                .containsPattern(
                        "good/product/policy\\.drl:\\d+:0: error: no fixture asserts the decision of rule "
                                + "\"An organization without a product security policy fails PS-1\\.1\" \\(it fires in no fixture\\)");
        Run lowered = kakunin("test", "good", "--fixtures", "good/fixtures/information-sharing", "--coverage-min", "0");
        assertThat(lowered.exit())
                .as("a minimum asked for on the command line replaces the default")
                .isEqualTo(Kakunin.OK);
        assertThat(lowered.out()).contains(": warning: no fixture asserts the decision of rule");

        Run run = kakunin(
                "test",
                "good",
                "--fixtures",
                "good/fixtures/information-sharing",
                "--coverage-min",
                "90%",
                "--junit",
                "reports/coverage.xml");
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.out())
                .containsPattern(
                        "not fired: An organization without a product security policy fails PS-1\\.1 \\(good/product/policy\\.drl:\\d+\\)");
        assertThat(run.out()).containsPattern("rule coverage \\d+\\.\\d% is under the minimum of 90\\.0%");
        Document junit = junit("reports/coverage.xml");
        NodeList failures = junit.getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(1);
        assertThat(((Element) failures.item(0)).getAttribute("type")).isEqualTo("CoverageBelowMinimum");
    }

    @Test
    void testOnARulesetThatDoesNotCompileRunsNothingAndReportsTheErrorToCi() throws IOException {
        String dir = variant("broken-for-test", "sharing/nda.drl", "rule \"", "rul \"");
        Run run = kakunin("test", dir, "--junit", "reports/broken.xml");
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.out())
                .containsPattern("broken-for-test/sharing/nda\\.drl:\\d+:\\d+: error: ")
                .doesNotContain("PASS");
        assertThat(run.out()).contains("the rules do not compile, so no fixture was run");
        assertThat(run.err()).isEmpty();
        Element failure = (Element)
                junit("reports/broken.xml").getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("CompileError");
        assertThat(((Element) failure.getParentNode()).getAttribute("name")).startsWith("sharing/nda.drl:");
    }

    @Test
    void aFixtureFolderWithoutItsExpectationFailsTheRun() throws IOException {
        Path lonely = work.resolve("lonely-fixtures/product-security/forgotten-expectation");
        Files.createDirectories(lonely);
        Files.writeString(lonely.resolve("request.json"), "{\"organization\":{}}");
        Run run = kakunin("test", "good", "--fixtures", "lonely-fixtures");
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.out())
                .contains("FAIL fixture product-security/forgotten-expectation has request.json but no expected.json")
                .contains("0 passed, 1 failed, 1 fixtures in ");
    }

    @Test
    void testWithAFixturesFolderThatDoesNotExistIsAUsageError() {
        Run run = kakunin("test", "good", "--fixtures", "no-such-fixtures");
        assertThat(run.exit()).isEqualTo(Kakunin.USAGE);
        assertThat(run.err()).startsWith("kakunin: --fixtures no-such-fixtures does not exist");
        assertThat(run.out()).as("nothing was compiled or run").isEmpty();

        Run file = kakunin("test", "good", "--fixtures", "good/catalog.yaml");
        assertThat(file.exit()).isEqualTo(Kakunin.USAGE);
        assertThat(file.err()).startsWith("kakunin: --fixtures good/catalog.yaml is not a directory");
    }

    // ------------------------------------------------------------------ a directory published as a link

    @Test
    void checkAndTestWorkOnASymbolicLinkToTheRulesDirectory() throws IOException {
        Files.createSymbolicLink(work.resolve("live"), work.resolve("good").getFileName());
        Run check = kakunin("check", "live");
        assertThat(check.exit()).as(check.out() + check.err()).isEqualTo(Kakunin.OK);
        assertThat(check.out()).contains("revision " + Ruleset.builtIn().revision());

        Run test = kakunin("test", "live", "--coverage-min", "100");
        assertThat(test.exit()).as(test.err()).isEqualTo(Kakunin.OK);
        assertThat(test.out())
                .containsPattern("(?m)^(\\d+) passed, 0 failed, \\1 fixtures in \\d+\\.\\d s$")
                .doesNotContain(" 0 fixtures");
    }

    // ------------------------------------------------------------------ a workbook, in a real process

    /**
     * Reading an .xlsx table (Apache POI) once printed "ERROR StatusLogger Log4j API could not find a
     * logging provider" on the officer's terminal. That message goes to the process's own standard
     * error, once per JVM, so the command runs in a process of its own here.
     */
    @Test
    void aWorkbookIsReadWithoutLoggingNoiseOnStandardError() throws Exception {
        Path rules = work.resolve("with-workbook");
        copy(work.resolve("good"), rules);
        Files.copy(
                Path.of(System.getProperty("kakunin.repository", ".."), "docs/decision-tables/device-checks.drl.xlsx"),
                rules.resolve("product/device-checks-copy.drl.xlsx"));
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Kakunin.class.getName(),
                        "check",
                        "with-workbook")
                .directory(work.toFile())
                .redirectOutput(work.resolve("workbook.out").toFile())
                .redirectError(work.resolve("workbook.err").toFile())
                .start();
        assertThat(process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(work.resolve("workbook.out"));
        String err = Files.readString(work.resolve("workbook.err"));
        // The copy's rules have the names of the DRL rules: the workbook was read and compiled.
        assertThat(out)
                .as(err)
                .contains("Duplicate rule name: Whether users can change authentication values must be known");
        assertThat(err).doesNotContain("Log4j").doesNotContain("StatusLogger").doesNotContain("logging provider");
    }

    // ------------------------------------------------------------------ evaluate

    @Test
    void evaluatePrintsTheVerdictOfAnAssessmentAndOfASharingReview() {
        Run assessment = kakunin(
                "evaluate",
                "good/fixtures/product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant/request.json");
        assertThat(assessment.exit()).as(assessment.err()).isEqualTo(Kakunin.OK);
        JsonNode verdict = JsonMapper.shared().readTree(assessment.out());
        assertThat(verdict.path("overallOutcome").asString()).isEqualTo("COMPLIANT");
        assertThat(verdict.path("ruleset").path("revision").asString())
                .isEqualTo(Ruleset.builtIn().revision());

        Run japanese = kakunin(
                "evaluate",
                "--rules",
                "good",
                "--lang",
                "ja",
                "good/fixtures/product-security/scenario-smart-lock-from-a-well-run-sme-is-compliant/request.json");
        assertThat(japanese.exit()).isEqualTo(Kakunin.OK);
        JsonNode ja = JsonMapper.shared().readTree(japanese.out());
        assertThat(ja.path("locale").asString()).isEqualTo("ja");
        assertThat(ja.path("ruleset").path("source").asString()).isEqualTo("good");
        assertThat(ja.path("ruleset").path("revision").asString())
                .as("an exported copy has the built-in revision")
                .isEqualTo(Ruleset.builtIn().revision());

        Run review = kakunin(
                "evaluate",
                "good/fixtures/information-sharing/scenario-bundle-whose-sighting-names-the-victim-company-shares-after-redaction/request.json");
        assertThat(review.exit()).as(review.err()).isEqualTo(Kakunin.OK);
        assertThat(JsonMapper.shared().readTree(review.out()).has("decision")).isTrue();
    }

    @Test
    void evaluateWithJcStarPrintsEachProductsStar1ChecklistInTheLanguageAsked() {
        String ready = "good/fixtures/product-security/"
                + "scenario-psti-conformant-smart-plug-checked-by-its-maker-is-ready-to-apply-for-jc-star/request.json";
        Run run = kakunin("evaluate", "--jc-star", ready);
        assertThat(run.exit()).as(run.err()).isEqualTo(Kakunin.OK);
        JsonNode checklist = JsonMapper.shared().readTree(run.out());
        assertThat(checklist.path("label").asString()).isEqualTo("JC-STAR ★1");
        assertThat(checklist.has("assessmentId")).as("nothing was stored").isFalse();
        JsonNode product = checklist.path("products").get(0);
        assertThat(product.path("readyToApply").asBoolean()).isTrue();
        assertThat(product.path("rows")).hasSize(16);

        Run notReady = kakunin(
                "evaluate",
                "--rules",
                "good",
                "--lang",
                "ja",
                "--jc-star",
                "good/fixtures/product-security/"
                        + "scenario-smart-plug-that-installs-unverified-updates-is-not-ready-for-jc-star-on-s1.1-08-alone/request.json");
        assertThat(notReady.exit()).as(notReady.err()).isEqualTo(Kakunin.OK);
        JsonNode ja = JsonMapper.shared().readTree(notReady.out());
        assertThat(ja.path("locale").asString()).isEqualTo("ja");
        JsonNode one = ja.path("products").get(0);
        assertThat(one.path("readyToApply").asBoolean()).isFalse();
        assertThat(one.path("summary").asString()).contains("S1.1-08");

        Run review = kakunin(
                "evaluate",
                "--jc-star",
                "good/fixtures/information-sharing/scenario-bundle-whose-sighting-names-the-victim-company-shares-after-redaction/request.json");
        assertThat(review.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(review.err()).contains("is a sharing-review request");
    }

    private static final String SHARED_PASSWORD =
            "good/fixtures/product-security/ps-4.2-shared-default-password-fails/request.json";

    private static JsonNode ps42(JsonNode verdict) {
        for (JsonNode r : verdict.path("results")) {
            if (r.path("recommendationId").asString().equals("PS-4.2")) {
                return r;
            }
        }
        throw new AssertionError("no PS-4.2");
    }

    /** The exported rules edited as in test-fixtures/examples/effective-dates: PS-4.2 given an example effectiveFrom. */
    private static String effectiveDatesExample() throws IOException {
        String name = "effective-dates";
        if (!Files.exists(work.resolve(name))) {
            copy(work.resolve("good"), work.resolve(name));
            Path catalog = work.resolve(name).resolve("catalog.yaml");
            Files.writeString(catalog, EffectiveDatesExample.catalog(Files.readString(catalog)));
            copy(EffectiveDatesExample.fixtures(), work.resolve("effective-dates-fixtures"));
        }
        return name;
    }

    @Test
    void anOfficerAnnouncesAnItemWithAnEffectiveDateAndTestsBothSidesOfItWithKakuninTest() throws IOException {
        String rules = effectiveDatesExample();
        Run edited = kakunin("test", rules, "--fixtures", "effective-dates-fixtures", "--coverage-min", "0");
        assertThat(edited.exit()).as(edited.out() + edited.err()).isEqualTo(Kakunin.OK);
        assertThat(edited.out()).contains("2 fixtures").doesNotContain("FAIL ps-4.2");

        Run builtIn = kakunin("test", "good", "--fixtures", "effective-dates-fixtures", "--coverage-min", "0");
        assertThat(builtIn.exit())
                .as("without the effectiveFrom the case before the date expects a WARN it does not get")
                .isNotEqualTo(Kakunin.OK);
        assertThat(builtIn.out() + builtIn.err()).contains("before-its-effective-date");
    }

    @Test
    void evaluateAsOfAnInstantWarnsBeforeAnItemsEffectiveDateAndFailsFromIt() throws IOException {
        String rules = effectiveDatesExample();
        Run builtIn = kakunin("evaluate", "--as-of", "2024-04-28T22:59:59Z", SHARED_PASSWORD);
        assertThat(builtIn.exit()).as(builtIn.err()).isEqualTo(Kakunin.OK);
        assertThat(ps42(JsonMapper.shared().readTree(builtIn.out()))
                        .path("effectiveOutcome")
                        .asString())
                .as("no built-in item has an effective date")
                .isEqualTo("FAIL");

        Run before = kakunin(
                "evaluate", "--rules", rules, "--lang", "ja", "--as-of", "2024-04-29T07:59:59+09:00", SHARED_PASSWORD);
        assertThat(before.exit()).as(before.err()).isEqualTo(Kakunin.OK);
        JsonNode warned = JsonMapper.shared().readTree(before.out());
        assertThat(warned.path("asOf").asString()).isEqualTo("2024-04-28T22:59:59Z");
        assertThat(ps42(warned).path("effectiveOutcome").asString()).isEqualTo("WARN");
        assertThat(ps42(warned).path("message").asString()).contains("2024/04/28 23:00:00（UTC）から適用されます");
        assertThat(warned.path("overallOutcome").asString()).isNotEqualTo("NON_COMPLIANT");

        Run at = kakunin("evaluate", "--rules", rules, "--as-of", "2024-04-28T23:00:00Z", SHARED_PASSWORD);
        assertThat(at.exit()).as(at.err()).isEqualTo(Kakunin.OK);
        JsonNode enforced = JsonMapper.shared().readTree(at.out());
        assertThat(ps42(enforced).path("effectiveOutcome").asString()).isEqualTo("FAIL");
        assertThat(enforced.path("overallOutcome").asString()).isEqualTo("NON_COMPLIANT");

        Run bad = kakunin("evaluate", "--as-of", "2024-04-29", SHARED_PASSWORD);
        assertThat(bad.exit()).isEqualTo(Kakunin.USAGE);
        assertThat(bad.err()).contains("--as-of '2024-04-29' is not an instant");
    }

    private static final String WAIVED_PLUG = "good/fixtures/product-security/"
            + "waiver-in-force-on-the-unverified-updates-makes-the-smart-plug-compliant-but-not-ready-for-jc-star/";

    @Test
    void evaluateWithWaiversOverlaysThemOnTheVerdictAndOnTheStar1Checklist() {
        Run without = kakunin("evaluate", WAIVED_PLUG + "request.json");
        assertThat(without.exit()).as(without.err()).isEqualTo(Kakunin.OK);
        assertThat(JsonMapper.shared()
                        .readTree(without.out())
                        .path("overallOutcome")
                        .asString())
                .isEqualTo("NON_COMPLIANT");

        Run with = kakunin("evaluate", "--waivers", WAIVED_PLUG + "waivers.yaml", WAIVED_PLUG + "request.json");
        assertThat(with.exit()).as(with.err()).isEqualTo(Kakunin.OK);
        JsonNode verdict = JsonMapper.shared().readTree(with.out());
        assertThat(verdict.path("overallOutcome").asString()).isEqualTo("COMPLIANT");
        assertThat(verdict.path("counts").path("waived").asInt()).isEqualTo(1);
        JsonNode ps46 = null;
        for (JsonNode r : verdict.path("results")) {
            if (r.path("recommendationId").asString().equals("PS-4.6")) {
                ps46 = r;
            }
        }
        assertThat(ps46).isNotNull();
        assertThat(ps46.path("outcome").asString()).isEqualTo("FAIL");
        assertThat(ps46.path("effectiveOutcome").asString()).isEqualTo("WAIVED");
        assertThat(ps46.path("waiver").path("expiresAt").asString()).isEqualTo("2099-03-31T15:00:00Z");

        Run checklist = kakunin(
                "evaluate", "--jc-star", "--waivers", WAIVED_PLUG + "waivers.yaml", WAIVED_PLUG + "request.json");
        assertThat(checklist.exit()).as(checklist.err()).isEqualTo(Kakunin.OK);
        JsonNode product =
                JsonMapper.shared().readTree(checklist.out()).path("products").get(0);
        assertThat(product.path("readyToApply").asBoolean())
                .as("a waiver meets no ★1 criterion")
                .isFalse();
        assertThat(product.path("rows").toString()).contains("\"effectiveOutcome\":\"WAIVED\"");

        Run review = kakunin(
                "evaluate",
                "--waivers",
                WAIVED_PLUG + "waivers.yaml",
                "good/fixtures/information-sharing/scenario-bundle-whose-sighting-names-the-victim-company-shares-after-redaction/request.json");
        assertThat(review.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(review.err()).contains("waivers apply to assessments");
    }

    @Test
    void evaluateRefusesAWaiversFileWithProblemsNamingTheFileTheWaiverAndTheField() throws IOException {
        Files.writeString(work.resolve("bad-waivers.yaml"), """
                - id: 0193a5c0-0000-7000-8000-00000000000a
                  organizationId: asahi-denki
                  recommendationId: PS-4.6
                  justification: Accepted.
                  evidence: RA-1
                  startsAt: 2026-01-01T00:00:00Z
                  expiresOn: 2099-03-31
                  timeZone: Asia/Tokio
                  requestedBy: a
                  approvedBy: b
                - id: 0193a5c0-0000-7000-8000-00000000000b
                  organizationId: asahi-denki
                  measure: PS-4
                  evidence: RA-2
                  startsAt: 2026-01-01T00:00:00Z
                  expiresAt: 2099-01-01T00:00:00Z
                  requestedBy: a
                  approvedBy: b
                  approvedOn: 2026-01-02
                """);
        Run run = kakunin("evaluate", "--waivers", "bad-waivers.yaml", WAIVED_PLUG + "request.json");
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.out()).as("nothing was evaluated").isEmpty();
        assertThat(run.err())
                .contains("bad-waivers.yaml: waiver 0 /timeZone: is not a time zone")
                .contains("bad-waivers.yaml: waiver 1 /approvedOn")
                .contains("nothing was evaluated");

        Files.writeString(work.resolve("not-a-list.yaml"), "id: 1\n");
        Run notAList = kakunin("evaluate", "--waivers", "not-a-list.yaml", WAIVED_PLUG + "request.json");
        assertThat(notAList.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(notAList.err()).contains("not-a-list.yaml: must be a YAML list of waivers");

        assertThat(kakunin("evaluate", "--waivers", "missing.yaml", WAIVED_PLUG + "request.json")
                        .exit())
                .isEqualTo(Kakunin.USAGE);
    }

    @Test
    void evaluateNamesTheFieldOfABadRequest() throws IOException {
        Files.writeString(work.resolve("misspelt.json"), "{\"organization\":{\"productSecurityPolicyy\":{}}}");
        Run run = kakunin("evaluate", "misspelt.json");
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.err()).contains("misspelt.json is not a valid request").contains("productSecurityPolicyy");

        Files.writeString(work.resolve("array.json"), "[]");
        assertThat(kakunin("evaluate", "array.json").err()).contains("must hold a JSON object");
        assertThat(kakunin("evaluate", "missing.json").err()).contains("cannot read missing.json");
    }

    // ------------------------------------------------------------------ export and usage

    @Test
    void exportNeverWritesOverAnExistingRuleset() {
        Run run = kakunin("export", "good");
        assertThat(run.exit()).isEqualTo(Kakunin.FAILED);
        assertThat(run.err()).contains("good exists and is not empty");
    }

    @Test
    void wrongUseExitsWithTwoAndSaysWhy() {
        assertThat(kakunin().exit()).isEqualTo(Kakunin.USAGE);
        assertThat(kakunin("publish", "good").err()).contains("unknown command 'publish'");
        assertThat(kakunin("check").err()).contains("give the rules directory");
        assertThat(kakunin("check", "no-such-dir").err()).contains("no-such-dir is not a directory");
        assertThat(kakunin("check", "no-such-dir").exit()).isEqualTo(Kakunin.USAGE);
        assertThat(kakunin("test", "good", "--coverage-min", "most").err())
                .contains("--coverage-min must be a number, was 'most'");
        assertThat(kakunin("test", "good", "--coverage-min", "120").exit()).isEqualTo(Kakunin.USAGE);
        assertThat(kakunin("test", "good", "--junit").err()).contains("--junit needs a value");
        assertThat(kakunin("test", "good", "--verbose").err()).contains("unknown option '--verbose'");
        assertThat(kakunin("evaluate").err()).contains("give the request file");
        assertThat(kakunin("help").exit()).isEqualTo(Kakunin.OK);
    }

    private static Document junit(String file) throws IOException {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(work.resolve(file).toFile());
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage(), e);
        }
    }
}
