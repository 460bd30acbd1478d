package io.kakunin.kb;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.FixtureSuite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision-table example in {@code docs/decision-tables/} is a faithful copy of the DRL
 * rules of its recommendations, and a mistake in a table is reported at its sheet, row and
 * column.
 */
class DecisionTableTests {

    private static final Set<String> TABLE_ITEMS = Set.of("PS-4.3", "PS-4.11", "PS-4.13", "PS-4.16");
    private static final Pattern RULE = Pattern.compile("(?ms)^rule \"([^\"]*)\"\\s*\\n(.*?)^end[ \\t]*\\n?");
    private static final String TABLE_PATH = "product/device-checks.drl.csv";

    static byte[] table() throws IOException {
        return Files.readAllBytes(Path.of(System.getProperty("kakunin.repository", ".."), "docs/decision-tables/device-checks.drl.csv"));
    }

    /** The built-in ruleset with the DRL rules of the table's items taken out, and their names. */
    private static RulesetFiles builtInWithoutTableItems(Set<String> removed) {
        Map<String, byte[]> files = new TreeMap<>(RulesetFiles.builtIn(DecisionTableTests.class.getClassLoader()).files());
        files.replaceAll((path, bytes) -> {
            if (!path.endsWith(".drl")) {
                return bytes;
            }
            Matcher m = RULE.matcher(new String(bytes, StandardCharsets.UTF_8));
            StringBuilder kept = new StringBuilder();
            while (m.find()) {
                boolean inTable = TABLE_ITEMS.stream().anyMatch(id -> m.group(2).contains("@recommendation(\"" + id + "\")"));
                if (inTable) {
                    removed.add(m.group(1));
                }
                m.appendReplacement(kept, inTable ? "" : Matcher.quoteReplacement(m.group()));
            }
            m.appendTail(kept);
            return kept.toString().getBytes(StandardCharsets.UTF_8);
        });
        return RulesetFiles.of(files);
    }

    @Test
    void theTableReplacesItsDrlRulesAndEveryFixtureStillPasses() throws IOException {
        Set<String> removed = new TreeSet<>();
        RulesetFiles files = builtInWithoutTableItems(removed).with(TABLE_PATH, table());
        assertThat(removed).hasSize(12);

        Ruleset.Checked checked = Ruleset.check(files, "table", Map.of());
        assertThat(checked.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();
        Ruleset ruleset = checked.ruleset();
        assertThat(ruleset.rules().keySet()).containsAll(removed);
        assertThat(ruleset.rules().size()).isEqualTo(Ruleset.builtIn().rules().size());
        removed.forEach(name -> {
            Ruleset.RuleInfo rule = ruleset.rule(name).orElseThrow();
            assertThat(rule.file()).isEqualTo(TABLE_PATH);
            assertThat(rule.line()).as("the row of %s", name).isGreaterThan(10);
            assertThat(rule.recommendationId()).isIn(TABLE_ITEMS);
        });

        List<FixtureCase> cases = FixtureCase.load(Fixtures.root()).stream().filter(c -> c.topic().equals(FixtureCase.PRODUCT_SECURITY)).toList();
        assertThat(cases).hasSizeGreaterThan(100);
        FixtureSuite.Report report = FixtureSuite.run(ruleset, cases);
        assertThat(report.cases()).filteredOn(c -> !c.passed()).extracting(c -> c.fixture().name() + " " + c.mismatches()).isEmpty();
        assertThat(report.firedRules()).containsAll(removed);
    }

    @Test
    void aWrongConditionInATableIsReportedAtItsCell() throws IOException {
        String csv = new String(table(), StandardCharsets.UTF_8).replace("secureBoot == false", "secureBooot == false");
        Ruleset.Checked checked = Ruleset.check(builtInWithoutTableItems(new TreeSet<>()).with(TABLE_PATH, csv.getBytes(StandardCharsets.UTF_8)),
                "table", Map.of());
        assertThat(checked.usable()).isFalse();
        Diagnostic d = checked.diagnostics().stream().filter(Diagnostic::isError).findFirst().orElseThrow();
        assertThat(d.file()).isEqualTo(TABLE_PATH);
        assertThat(d.line()).as("row").isEqualTo(rowOf(csv, "secureBooot == false"));
        assertThat(d.column()).as("column C, 'When the product has'").isEqualTo(3);
        assertThat(d.message()).contains("sheet 'device-checks.drl.csv', cell C" + d.line()).contains("secureBooot")
                .doesNotContain("Line ");
    }

    @Test
    void aSyntaxErrorInAnActionCellIsReportedAtItsCell() throws IOException {
        String csv = new String(table(), StandardCharsets.UTF_8)
                .replace("\"outcomes.fail(drools, $p, \"\"$param\"\");\"", "\"outcomes.fail(drools, $p, \"\"$param\"\";\"");
        Ruleset.Checked checked = Ruleset.check(builtInWithoutTableItems(new TreeSet<>()).with(TABLE_PATH, csv.getBytes(StandardCharsets.UTF_8)),
                "table", Map.of());
        assertThat(checked.usable()).isFalse();
        assertThat(checked.diagnostics()).filteredOn(Diagnostic::isError).allSatisfy(d -> {
            assertThat(d.file()).isEqualTo(TABLE_PATH);
            assertThat(d.line()).as("a row of a failing rule or the template row").isPositive();
            assertThat(d.message()).startsWith("sheet 'device-checks.drl.csv', cell ");
        });
    }

    @Test
    void anExcelWorkbookIsReportedAgainstItsSheetName() throws IOException {
        String csv = new String(table(), StandardCharsets.UTF_8);
        byte[] good = workbook("Device checks", csv);
        Ruleset.Checked ok = Ruleset.check(builtInWithoutTableItems(new TreeSet<>()).with("product/device-checks.drl.xlsx", good), "xlsx", Map.of());
        assertThat(ok.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();
        assertThat(ok.ruleset().rule("A device with secure boot meets PS-4.11").orElseThrow().file()).isEqualTo("product/device-checks.drl.xlsx");

        String broken = csv.replace("userDataErasure == true", "userDataErasure === true");
        Ruleset.Checked checked = Ruleset.check(builtInWithoutTableItems(new TreeSet<>())
                .with("product/device-checks.drl.xlsx", workbook("Device checks", broken)), "xlsx", Map.of());
        assertThat(checked.usable()).isFalse();
        Diagnostic d = checked.diagnostics().stream().filter(Diagnostic::isError).findFirst().orElseThrow();
        assertThat(d.file()).isEqualTo("product/device-checks.drl.xlsx");
        assertThat(d.line()).isEqualTo(rowOf(broken, "userDataErasure === true"));
        assertThat(d.column()).isEqualTo(3);
        assertThat(d.message()).startsWith("sheet 'Device checks', cell C" + d.line() + ": ");
    }

    @Test
    void aTableWithoutItsHeaderIsRefusedAsMalformedNotWithAStackTrace() {
        Ruleset.Checked checked = Ruleset.check(builtInWithoutTableItems(new TreeSet<>())
                .with(TABLE_PATH, "RuleSet,io.kakunin.rules.product\nRuleTable Broken\nNAME,CONDITION\n".getBytes(StandardCharsets.UTF_8)), "t", Map.of());
        assertThat(checked.usable()).isFalse();
        assertThat(checked.diagnostics()).filteredOn(Diagnostic::isError)
                .anySatisfy(d -> assertThat(d.file()).isEqualTo(TABLE_PATH));
    }

    private static int rowOf(String csv, String text) {
        List<List<String>> rows = DecisionTables.csv(csv);
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).stream().anyMatch(v -> v.contains(text))) {
                return r + 1;
            }
        }
        throw new AssertionError(text + " is in no row");
    }

    private static byte[] workbook(String sheetName, String csv) throws IOException {
        try (XSSFWorkbook workbook = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet sheet = workbook.createSheet(sheetName);
            List<List<String>> rows = DecisionTables.csv(csv);
            for (int r = 0; r < rows.size(); r++) {
                Row row = sheet.createRow(r);
                for (int c = 0; c < rows.get(r).size(); c++) {
                    if (!rows.get(r).get(c).isEmpty()) {
                        row.createCell(c).setCellValue(rows.get(r).get(c));
                    }
                }
            }
            workbook.write(out);
            return out.toByteArray();
        }
    }
}
