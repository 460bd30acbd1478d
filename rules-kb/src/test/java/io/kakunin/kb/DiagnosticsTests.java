package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.PublicationGate;
import io.kakunin.kb.fixtures.Verification;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Where {@code check} puts each problem, as {@code file:line:column}: exactly where an officer
 * fixes it, once, without the follow-up noise Drools adds.
 */
class DiagnosticsTests {

    private static final RulesetFiles BUILT_IN = RulesetFiles.builtIn(DiagnosticsTests.class.getClassLoader());
    private static final String POLICY = "product/policy.drl";
    private static final String DEVICE = "product/integrity-and-transparency.drl";

    private static String text(String path) {
        return new String(BUILT_IN.files().get(path), StandardCharsets.UTF_8);
    }

    /** The built-in ruleset with one file's first occurrence of a text replaced. */
    private static Variant replace(String path, String from, String to) {
        String text = text(path);
        assertThat(text).as(path).contains(from);
        String changed = text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
        return new Variant(BUILT_IN.with(path, changed.getBytes(StandardCharsets.UTF_8)), changed);
    }

    private record Variant(RulesetFiles files, String text) {
        RulesetFiles with(String path, String content) {
            return files.with(path, content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** "file:line:column" of the first occurrence of a text (the column of its first character). */
    private static String at(String file, String text, String part) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int column = lines[i].indexOf(part);
            if (column >= 0) {
                return file + ":" + (i + 1) + ":" + (column + 1);
            }
        }
        throw new AssertionError(part + " is not in " + file);
    }

    private static List<Diagnostic> errors(RulesetFiles files) {
        Ruleset.Checked checked = Ruleset.check(files, "test", Map.of());
        assertThat(checked.usable()).as("refused").isFalse();
        return checked.diagnostics().stream().filter(Diagnostic::isError).toList();
    }

    private static String where(Diagnostic d) {
        return d.file() + ":" + d.line() + ":" + d.column();
    }

    // ------------------------------------------------------------------ (a) columns Drools puts in the text

    @Test
    void aMisspeltFactIsReportedAtItsNameWithTheNearestFactsNamedAsTheApiNamesThem() {
        // Drools says "Unable to Analyse Expression … strict-mode: io.kakunin.api.model.Product.secureBooot()".
        Variant v = replace(DEVICE, "secureBoot == false", "secureBooot == false");
        List<Diagnostic> errors = errors(v.files());
        assertThat(errors).hasSize(1);
        assertThat(where(errors.get(0))).isEqualTo(at(DEVICE, v.text(), "secureBooot == false"));
        assertThat(errors.get(0).message()).isEqualTo("Product has no fact 'secureBooot': did you mean 'secureBoot'?");
    }

    @Test
    void aMisspeltFactOfANestedObjectIsReportedAtItsNameNotAtThePath() {
        // Refused by the rule-language check, before anything compiles, with the same suggestion.
        Variant v =
                replace(POLICY, "productSecurityPolicy!.exists == false )", "productSecurityPolicy!.exits == false )");
        List<Diagnostic> errors = errors(v.files());
        assertThat(errors).hasSize(1);
        assertThat(where(errors.get(0))).isEqualTo(at(POLICY, v.text(), "exits == false"));
        assertThat(errors.get(0).message()).isEqualTo("'exits' is not a fact of the request: did you mean 'exists'?");
    }

    @Test
    void aMissingParenthesisIsReportedWhereItBelongsSayingWhichOneIsOpen() {
        // Drools: "[ERR 102] Line 25:0 mismatched input 'then'", on the next line, in 0-based columns.
        String pattern = "    $p : Product( secureBoot == false )";
        Variant v = replace(DEVICE, pattern, "    $p : Product( secureBoot == false");
        List<Diagnostic> errors = errors(v.files());
        assertThat(errors).hasSize(1);
        String[] lines = v.text().split("\n", -1);
        int line = 0;
        while (!lines[line].equals("    $p : Product( secureBoot == false")) {
            line++;
        }
        assertThat(where(errors.get(0)))
                .as("right after 'false', where the ')' goes")
                .isEqualTo(DEVICE + ":" + (line + 1) + ":" + (lines[line].length() + 1));
        assertThat(errors.get(0).message())
                .isEqualTo("missing ')': the '(' at line " + (line + 1) + ", column " + (lines[line].indexOf('(') + 1)
                        + " is still open at 'then' on line " + (line + 2))
                .doesNotContain("ERR")
                .doesNotContain(":0");
    }

    @Test
    void aSyntaxErrorIsReportedAtTheColumnInItsText() {
        Variant v = replace(
                POLICY, "productSecurityPolicy!.exists == false )", "productSecurityPolicy!.exists == false ))");
        List<Diagnostic> errors = errors(v.files());
        assertThat(errors).hasSize(1);
        // "Line 26:44 mismatched input ')'": the second parenthesis, counted from 1.
        String position = at(POLICY, v.text(), "false ))");
        int column = Integer.parseInt(position.substring(position.lastIndexOf(':') + 1)) + "false )".length();
        assertThat(where(errors.get(0))).isEqualTo(position.substring(0, position.lastIndexOf(':') + 1) + column);
        assertThat(errors.get(0).message()).isEqualTo("')' closes nothing: no bracket is open here; remove it");
    }

    // ------------------------------------------------------------------ (b) errors in a then part

    @Test
    void anErrorInAThenPartIsReportedAtItsOwnLineNotTheRulesFirstLine() {
        String rule = "rule \"An organization without a product security policy fails PS-1.1\"";
        String text = text(POLICY);
        int start = text.indexOf(rule);
        int then = text.indexOf("then\n", start) + "then\n".length();
        String changed = text.substring(0, then)
                + "    // checked by hand\n\n    outcomes.fail(drools, $o, undefinedFact);\n" + text.substring(then);
        List<Diagnostic> errors = errors(BUILT_IN.with(POLICY, changed.getBytes(StandardCharsets.UTF_8)));
        assertThat(errors).hasSize(1);
        assertThat(where(errors.get(0))).isEqualTo(at(POLICY, changed, "undefinedFact"));
        assertThat(errors.get(0).message())
                .isEqualTo(
                        "undefinedFact cannot be resolved to a variable (in the then part of rule \"An organization without a product security policy fails PS-1.1\")");
    }

    @Test
    void anErrorOnTheThenLineItselfIsReportedThere() {
        String then = "then\n    outcomes.fail(drools, $o, \"/productSecurityPolicy/exists\");";
        Variant v = replace(
                POLICY,
                then,
                "then outcomes.fail(drools, $o, 42);\n    outcomes.fail(drools, $o, \"/productSecurityPolicy/exists\");");
        List<Diagnostic> errors = errors(v.files());
        assertThat(errors).hasSize(1);
        assertThat(where(errors.get(0))).isEqualTo(at(POLICY, v.text(), "fail(drools, $o, 42)"));
        assertThat(errors.get(0).message())
                .startsWith(
                        "The method fail(Object, Object, String...) in the type Outcomes is not applicable for the arguments");
    }

    // ------------------------------------------------------------------ (c) follow-up noise

    @Test
    void aDuplicateRuleIsReportedOnceWithoutTheJavaFollowUp() {
        String text = text(POLICY);
        int start = text.indexOf("rule \"An organization without a product security policy fails PS-1.1\"");
        int end = text.indexOf("\nend\n", start) + "\nend\n".length();
        String copied = text.substring(0, end) + "\n" + text.substring(start, end) + text.substring(end);
        List<Diagnostic> errors = errors(BUILT_IN.with(POLICY, copied.getBytes(StandardCharsets.UTF_8)));
        int second =
                copied.indexOf("rule \"An organization without a product security policy fails PS-1.1\"", start + 1);
        int line = 1
                + (int) copied.substring(0, second)
                        .chars()
                        .filter(c -> c == '\n')
                        .count();
        assertThat(errors).extracting(DiagnosticsTests::where).containsExactly(POLICY + ":" + line + ":1");
        assertThat(errors.get(0).message())
                .startsWith("Duplicate rule name: An organization without a product security policy fails PS-1.1");
        assertThat(errors.toString()).doesNotContain("already defined");
    }

    @Test
    void anUnknownFactTypeIsReportedOnceWithoutTheUnresolvedVariableFollowUp() {
        Variant v = replace(DEVICE, "$p : Product(", "$p : Produkt(");
        List<Diagnostic> errors = errors(v.files());
        assertThat(errors).extracting(DiagnosticsTests::where).containsExactly(at(DEVICE, v.text(), "Produkt("));
        assertThat(errors.get(0).message()).isEqualTo("Unable to resolve ObjectType 'Produkt'");
        assertThat(errors.toString()).doesNotContain("cannot be resolved");
    }

    @Test
    void anUnresolvedVariableWithoutAnotherErrorIsStillReportedAtItsLine() {
        Variant v = replace(
                DEVICE, "outcomes.fail(drools, $p, \"/secureBoot\");", "outcomes.fail(drools, $q, \"/secureBoot\");");
        List<Diagnostic> errors = errors(v.files());
        assertThat(errors).extracting(DiagnosticsTests::where).containsExactly(at(DEVICE, v.text(), "$q"));
        assertThat(errors.get(0).message())
                .startsWith("$q cannot be resolved to a variable (in the then part of rule ");
    }

    // ------------------------------------------------------------------ (d) one bad import

    @Test
    void anUnresolvableImportIsReportedOnceAtTheImportNotInEveryFileOfItsPackage() {
        Variant v = replace(
                POLICY, "import io.kakunin.api.model.Organization;", "import io.kakunin.api.model.Organisation;");
        List<Diagnostic> errors = errors(v.files());
        assertThat(errors)
                .extracting(DiagnosticsTests::where)
                .containsExactly(at(POLICY, v.text(), "io.kakunin.api.model.Organisation"));
        long productFiles = BUILT_IN.files().keySet().stream()
                .filter(p -> p.startsWith("product/") && p.endsWith(".drl"))
                .count();
        assertThat(errors.get(0).message())
                .startsWith("cannot import io.kakunin.api.model.Organisation: there is no such class")
                .contains("package io.kakunin.rules.product does not compile until it is fixed")
                .containsPattern("\\(\\d+ rules in " + productFiles + " files, not reported one by one\\)");
    }

    // ------------------------------------------------------------------ (e) integrity problems at their line

    @Test
    void aRuleNamingAnUnknownRecommendationIsReportedOnceAtItsAnnotation() {
        Variant v = replace(
                POLICY,
                "@recommendation(\"PS-1.1\") @reason(\"noPolicy\")",
                "@recommendation(\"PS-1.99\") @reason(\"noPolicy\")");
        List<Diagnostic> errors = errors(v.files());
        // Not also as texts PS-1.99.reason.noPolicy missing from three bundles: one mistake, one report.
        assertThat(errors)
                .extracting(d -> where(d) + " " + d.message())
                .containsExactly(at(POLICY, v.text(), "@recommendation(\"PS-1.99\")")
                        + " rule \"An organization without a product security policy fails PS-1.1\" names recommendation"
                        + " PS-1.99, which catalog.yaml does not list");
    }

    @Test
    void aRecommendationWithoutRulesIsReportedAtItsCatalogEntry() {
        String entry =
                "\n  - id: PS-4.99\n    measure: PS-4\n    level: SHOULD\n    subject: PRODUCT\n    evidence: DEVICE_TEST\n"
                        + "    confidence: I\n    basis: X\n    sourceEdition: \"2023\"\n    facts: [/secureBoot]\n"
                        + "    sources:\n      - {document: etsi-en-303-645, section: \"5.7-1\"}\n";
        String catalog = text("catalog.yaml") + entry;
        RulesetFiles files = BUILT_IN.with("catalog.yaml", catalog.getBytes(StandardCharsets.UTF_8));
        for (String bundle : List.of("messages_en.properties", "messages_ja.properties", "messages_zh_TW.properties")) {
            files = files.with(
                    bundle,
                    (text(bundle) + "\nPS-4.99.title=T\nPS-4.99.requirement=R\nPS-4.99.remediation=M\n")
                            .getBytes(StandardCharsets.UTF_8));
        }
        List<Diagnostic> errors = errors(files);
        assertThat(errors).extracting(DiagnosticsTests::where).containsExactly(at("catalog.yaml", catalog, "PS-4.99"));
        assertThat(errors.get(0).message()).isEqualTo("recommendation PS-4.99 has no rule");
    }

    @Test
    void aRecommendationWithoutASourceIsReportedAtItsCatalogEntry() {
        Variant v =
                replace("catalog.yaml", "    sources:\n      - {document: etsi-en-303-645, section: \"5.7-1\"}\n", "");
        List<Diagnostic> errors = errors(v.files());
        assertThat(errors).extracting(DiagnosticsTests::where).containsExactly(at("catalog.yaml", v.text(), "PS-4.11"));
        assertThat(errors.get(0).message()).startsWith("PS-4.11 names no source");
    }

    @Test
    void aSourceCitingAnUnlistedDocumentIsReportedAtItsItemNamingTheDocumentMeant() {
        Variant v = replace(
                "catalog.yaml",
                "{document: etsi-en-303-645, section: \"5.7-1\"}",
                "{document: etsi-en-303-654, section: \"5.7-1\"}");
        List<Diagnostic> errors = errors(v.files());
        assertThat(errors).extracting(DiagnosticsTests::where).containsExactly(at("catalog.yaml", v.text(), "PS-4.11"));
        assertThat(errors.get(0).message())
                .isEqualTo("PS-4.11 cites document 'etsi-en-303-654', which documents does not list:"
                        + " did you mean 'etsi-en-303-645'?");
    }

    @Test
    void aDocumentWithoutAGradeIsReportedOnceAtItsKey() {
        Variant v = replace("catalog.yaml", "    grade: P2\n", "");
        List<Diagnostic> errors = errors(v.files());
        // Reported at the document, not again at every item that cites it.
        assertThat(errors)
                .extracting(DiagnosticsTests::where)
                .containsExactly(at("catalog.yaml", v.text(), "etsi-en-303-645:"));
        assertThat(errors.get(0).message()).startsWith("document etsi-en-303-645 has no grade: P1");
    }

    @Test
    void aMisspeltKeyIsReportedOnceAtItsLineNamingTheKeyMeant() {
        Variant ja = replace("messages_ja.properties", "PS-4.2.title=", "PS-4.2.titel=");
        List<Diagnostic> errors = errors(ja.files());
        // Not as 'PS-4.2.title' missing here and 'PS-4.2.titel' missing from the two other bundles.
        assertThat(errors)
                .extracting(d -> where(d) + " " + d.message())
                .containsExactly(at("messages_ja.properties", ja.text(), "PS-4.2.titel")
                        + " text 'PS-4.2.titel' is in no other language and 'PS-4.2.title' is missing here:"
                        + " is the key misspelt? Write it 'PS-4.2.title'");
    }

    @Test
    void aTextMissingInOneLanguageIsReportedOnceWhereTheItemsOtherTextsAreNamingTheLanguagesThatHaveIt() {
        String text = text("messages_ja.properties");
        String fail = text.lines()
                .filter(l -> l.startsWith("PS-4.2.fail="))
                .findFirst()
                .orElseThrow();
        String without = text.replace(fail + "\n", "");
        List<Diagnostic> errors =
                errors(BUILT_IN.with("messages_ja.properties", without.getBytes(StandardCharsets.UTF_8)));
        assertThat(errors)
                .extracting(d -> where(d) + " " + d.message())
                .containsExactly(at("messages_ja.properties", without, "PS-4.2.")
                        + " missing text 'PS-4.2.fail', which messages_en.properties and messages_zh_TW.properties have;"
                        + " the other texts of PS-4.2 start on this line");
    }

    @Test
    void aRequiredTextMissingInOneLanguageIsReportedThere() {
        Variant zh = replace("messages_zh_TW.properties", "PS-4.2.title=", "# PS-4.2.title=");
        assertThat(errors(zh.files()))
                .extracting(d -> where(d) + " " + d.message())
                .containsExactly(at("messages_zh_TW.properties", zh.text(), "PS-4.2.requirement")
                        + " missing text 'PS-4.2.title'; the other texts of PS-4.2 start on this line");
    }

    @Test
    void aNumberWrittenInARuleIsRefusedAtItsColumn() {
        Variant v = replace(
                "product/after-shipment.drl", "monitoringIntervalDays > $max )", "monitoringIntervalDays > 30 )");
        assertThat(errors(v.files()))
                .extracting(d -> where(d) + " " + d.message())
                .containsExactly(at("product/after-shipment.drl", v.text(), "> 30 )")
                        + " a rule compares with the number written here (> 30); put tunable numbers in"
                        + " thresholds.properties and read them through Evaluation");
    }

    @Test
    void anUnknownPlaceholderIsReportedAtItsColumn() {
        Variant en = replace("messages_en.properties", "PS-4.2.title=", "PS-4.2.title={noSuchThreshold} ");
        List<Diagnostic> errors = errors(en.files());
        assertThat(errors)
                .extracting(DiagnosticsTests::where)
                .containsExactly(at("messages_en.properties", en.text(), "{noSuchThreshold}"));
    }

    // ------------------------------------------------------------------ fixtures

    @Test
    void aFailingFixtureIsReportedAtTheLineAndColumnInItsExpectedJsonOfThePointerThatDiffers() {
        String name = "product-security/ps-4.2-shared-default-password-fails";
        FixtureCase shipped = FixtureCase.load(Fixtures.root()).stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
        String expected = new String(shipped.expected(), StandardCharsets.UTF_8)
                .replaceFirst("\"outcome\": \"FAIL\"", "\"outcome\": \"PASS\"");
        FixtureCase changed =
                new FixtureCase(shipped.topic(), name, shipped.request(), expected.getBytes(StandardCharsets.UTF_8));
        Verification verification = PublicationGate.verify(
                Ruleset.builtIn(),
                new FixtureCase.Scan(List.of(changed), List.of()),
                new PublicationGate.Policy(0),
                Runnable::run);
        String file = "fixtures/" + name + "/expected.json";
        assertThat(verification.diagnostics())
                .filteredOn(d -> d.file().startsWith("fixtures/"))
                .singleElement()
                .satisfies(d -> {
                    assertThat(where(d)).as("at the value that differs").isEqualTo(at(file, expected, "\"PASS\""));
                    assertThat(d.message())
                            .matches(Pattern.quote(
                                            "/results/0/outcome: expected \"PASS\", was \"FAIL\" (in the verdict: /results/")
                                    + "\\d+"
                                    + Pattern.quote(" {recommendationId=PS-4.2, subject=/products/0}/outcome)"));
                });
    }

    // ------------------------------------------------------------------ encodings

    @Test
    void aBundleSavedAsShiftJisIsRefusedAtItsFirstBadByte() {
        String text = text("messages_ja.properties");
        Matcher m = Pattern.compile("(?m)^PS-4\\.2\\.title=(.*)$").matcher(text);
        assertThat(m.find()).isTrue();
        int line = 1
                + (int) text.substring(0, m.start())
                        .chars()
                        .filter(c -> c == '\n')
                        .count();
        byte[] shiftJis = m.group().getBytes(Charset.forName("Shift_JIS"));
        byte[] before = text.substring(0, m.start()).getBytes(StandardCharsets.UTF_8);
        byte[] after = text.substring(m.end()).getBytes(StandardCharsets.UTF_8);
        byte[] mixed = new byte[before.length + shiftJis.length + after.length];
        System.arraycopy(before, 0, mixed, 0, before.length);
        System.arraycopy(shiftJis, 0, mixed, before.length, shiftJis.length);
        System.arraycopy(after, 0, mixed, before.length + shiftJis.length, after.length);

        List<Diagnostic> errors = errors(BUILT_IN.with("messages_ja.properties", mixed));
        assertThat(errors).hasSize(1);
        // The key is ASCII; the first Japanese character is the first byte Shift_JIS writes differently.
        assertThat(where(errors.get(0)))
                .isEqualTo("messages_ja.properties:" + line + ":" + ("PS-4.2.title=".length() + 1));
        assertThat(errors.get(0).message()).startsWith("not valid UTF-8 (was it saved as Shift_JIS?)");
    }

    @Test
    void aByteOrderMarkIsSkippedNotReadAsAKey() {
        RulesetFiles files = BUILT_IN;
        for (String path : List.of("messages_en.properties", "messages_ja.properties", "catalog.yaml", POLICY)) {
            byte[] bytes = BUILT_IN.files().get(path);
            byte[] marked = new byte[bytes.length + 3];
            marked[0] = (byte) 0xEF;
            marked[1] = (byte) 0xBB;
            marked[2] = (byte) 0xBF;
            System.arraycopy(bytes, 0, marked, 3, bytes.length);
            files = files.with(path, marked);
        }
        Ruleset.Checked checked = Ruleset.check(files, "bom", Map.of());
        assertThat(checked.diagnostics()).isEmpty();
        assertThat(checked.ruleset().text(java.util.Locale.JAPANESE, "PS-4.2.title"))
                .isEqualTo(Ruleset.builtIn().text(java.util.Locale.JAPANESE, "PS-4.2.title"));
    }

    @Test
    void aRuleFileOrCatalogInAnotherEncodingIsRefusedAtItsLine() {
        String drl = text(POLICY).replaceFirst("// PS-1: ", "// PS-1 (方針): ");
        List<Diagnostic> errors = errors(BUILT_IN.with(POLICY, drl.getBytes(Charset.forName("Shift_JIS"))));
        assertThat(errors).extracting(DiagnosticsTests::where).containsExactly(at(POLICY, drl, "方針"));
        assertThat(errors.get(0).message()).startsWith("not valid UTF-8 (was it saved as Shift_JIS?)");

        // An officer appends a line in an editor set to Shift_JIS.
        String catalog = text("catalog.yaml") + "\n# 追加\n";
        byte[] original = BUILT_IN.files().get("catalog.yaml");
        byte[] appended = "\n# 追加\n".getBytes(Charset.forName("Shift_JIS"));
        byte[] mixed = java.util.Arrays.copyOf(original, original.length + appended.length);
        System.arraycopy(appended, 0, mixed, original.length, appended.length);
        errors = errors(BUILT_IN.with("catalog.yaml", mixed));
        assertThat(errors).extracting(DiagnosticsTests::where).containsExactly(at("catalog.yaml", catalog, "追加"));
    }
}
