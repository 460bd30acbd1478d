package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.FixtureSuite;
import io.kakunin.kb.ruleset.DecisionTables;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.RuleInfo;
import io.kakunin.kb.ruleset.RulesetFiles;
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
        return Files.readAllBytes(
                Path.of(System.getProperty("kakunin.repository", ".."), "docs/decision-tables/device-checks.drl.csv"));
    }

    private static final Path WORKBOOK =
            Path.of(System.getProperty("kakunin.repository", ".."), "docs/decision-tables/device-checks.drl.xlsx");
    private static final String SHEET = "Device checks";

    /** The built-in ruleset with the DRL rules of the table's items taken out, and their names. */
    private static RulesetFiles builtInWithoutTableItems(Set<String> removed) {
        Map<String, byte[]> files = new TreeMap<>(
                RulesetFiles.builtIn(DecisionTableTests.class.getClassLoader()).files());
        files.replaceAll((path, bytes) -> {
            if (!path.endsWith(".drl")) {
                return bytes;
            }
            Matcher m = RULE.matcher(new String(bytes, StandardCharsets.UTF_8));
            StringBuilder kept = new StringBuilder();
            while (m.find()) {
                boolean inTable =
                        TABLE_ITEMS.stream().anyMatch(id -> m.group(2).contains("@recommendation(\"" + id + "\")"));
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
            RuleInfo rule = ruleset.rule(name).orElseThrow();
            assertThat(rule.file()).isEqualTo(TABLE_PATH);
            assertThat(rule.line()).as("the row of %s", name).isGreaterThan(10);
            assertThat(rule.recommendationId()).isIn(TABLE_ITEMS);
        });

        List<FixtureCase> cases = FixtureCase.load(Fixtures.root()).stream()
                .filter(c -> c.topic().equals(FixtureCase.PRODUCT_SECURITY))
                .toList();
        assertThat(cases).hasSizeGreaterThan(100);
        FixtureSuite.Report report = FixtureSuite.run(ruleset, cases);
        assertThat(report.cases())
                .filteredOn(c -> !c.passed())
                .extracting(c -> c.fixture().name() + " " + c.mismatches())
                .isEmpty();
        assertThat(report.firedRules()).containsAll(removed);
    }

    @Test
    void aWrongConditionInATableIsReportedAtItsCell() throws IOException {
        String csv = new String(table(), StandardCharsets.UTF_8).replace("secureBoot == false", "secureBooot == false");
        Ruleset.Checked checked = Ruleset.check(
                builtInWithoutTableItems(new TreeSet<>()).with(TABLE_PATH, csv.getBytes(StandardCharsets.UTF_8)),
                "table",
                Map.of());
        assertThat(checked.usable()).isFalse();
        Diagnostic d = checked.diagnostics().stream()
                .filter(Diagnostic::isError)
                .findFirst()
                .orElseThrow();
        assertThat(d.file()).isEqualTo(TABLE_PATH);
        assertThat(d.line()).as("row").isEqualTo(rowOf(csv, "secureBooot == false"));
        assertThat(d.column()).as("column C, 'When the product has'").isEqualTo(3);
        assertThat(d.message())
                .contains("sheet 'device-checks.drl.csv', cell C" + d.line())
                .contains("secureBooot")
                .doesNotContain("Line ");
    }

    @Test
    void aSyntaxErrorInAnActionCellIsReportedAtItsCell() throws IOException {
        String csv = new String(table(), StandardCharsets.UTF_8)
                .replace(
                        "\"outcomes.fail(drools, $p, \"\"$param\"\");\"",
                        "\"outcomes.fail(drools, $p, \"\"$param\"\";\"");
        Ruleset.Checked checked = Ruleset.check(
                builtInWithoutTableItems(new TreeSet<>()).with(TABLE_PATH, csv.getBytes(StandardCharsets.UTF_8)),
                "table",
                Map.of());
        assertThat(checked.usable()).isFalse();
        assertThat(checked.diagnostics()).filteredOn(Diagnostic::isError).allSatisfy(d -> {
            assertThat(d.file()).isEqualTo(TABLE_PATH);
            assertThat(d.line())
                    .as("a row of a failing rule or the template row")
                    .isPositive();
            assertThat(d.message()).startsWith("sheet 'device-checks.drl.csv', cell ");
        });
    }

    @Test
    void anExcelWorkbookIsReportedAgainstItsSheetName() throws IOException {
        String csv = new String(table(), StandardCharsets.UTF_8);
        byte[] good = workbook("Device checks", csv);
        Ruleset.Checked ok = Ruleset.check(
                builtInWithoutTableItems(new TreeSet<>()).with("product/device-checks.drl.xlsx", good),
                "xlsx",
                Map.of());
        assertThat(ok.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();
        assertThat(ok.ruleset()
                        .rule("A device with secure boot meets PS-4.11")
                        .orElseThrow()
                        .file())
                .isEqualTo("product/device-checks.drl.xlsx");

        String broken = csv.replace("userDataErasure == true", "userDataErasure === true");
        Ruleset.Checked checked = Ruleset.check(
                builtInWithoutTableItems(new TreeSet<>())
                        .with("product/device-checks.drl.xlsx", workbook("Device checks", broken)),
                "xlsx",
                Map.of());
        assertThat(checked.usable()).isFalse();
        Diagnostic d = checked.diagnostics().stream()
                .filter(Diagnostic::isError)
                .findFirst()
                .orElseThrow();
        assertThat(d.file()).isEqualTo("product/device-checks.drl.xlsx");
        assertThat(d.line()).isEqualTo(rowOf(broken, "userDataErasure === true"));
        assertThat(d.column()).isEqualTo(3);
        assertThat(d.message()).startsWith("sheet 'Device checks', cell C" + d.line() + ": ");
    }

    /**
     * The workbook in docs/ is the CSV table saved as Excel, for officers who open it in a
     * spreadsheet program: the same cells, one sheet. It is written by this test from the CSV
     * ({@code -Dkakunin.write-docs=true}) and committed; without the property the test checks
     * that the committed workbook still holds exactly the CSV's cells.
     */
    @Test
    void theWorkbookInTheDocsHoldsTheSameTableAsTheCsv() throws IOException {
        List<List<String>> rows = DecisionTables.csv(new String(table(), StandardCharsets.UTF_8));
        if (Boolean.getBoolean("kakunin.write-docs")) {
            Files.write(WORKBOOK, workbook(SHEET, new String(table(), StandardCharsets.UTF_8), true));
        }
        assertThat(WORKBOOK)
                .as("run this test with -Dkakunin.write-docs=true to write it")
                .exists();
        try (XSSFWorkbook workbook = new XSSFWorkbook(Files.newInputStream(WORKBOOK))) {
            assertThat(workbook.getNumberOfSheets()).isEqualTo(1);
            Sheet sheet = workbook.getSheetAt(0);
            assertThat(sheet.getSheetName()).isEqualTo(SHEET);
            org.apache.poi.ss.usermodel.DataFormatter format = new org.apache.poi.ss.usermodel.DataFormatter();
            for (int r = 0; r < rows.size(); r++) {
                Row row = sheet.getRow(r);
                for (int c = 0; c < rows.get(r).size(); c++) {
                    String cell = row == null || row.getCell(c) == null ? "" : format.formatCellValue(row.getCell(c));
                    assertThat(cell)
                            .as("cell %s%d", DecisionTables.columnName(c + 1), r + 1)
                            .isEqualTo(rows.get(r).get(c));
                }
            }
        }
    }

    @Test
    void theWorkbookInTheDocsReplacesItsDrlRulesAndEveryFixtureStillPasses() throws IOException {
        Set<String> removed = new TreeSet<>();
        RulesetFiles files =
                builtInWithoutTableItems(removed).with("product/device-checks.drl.xlsx", Files.readAllBytes(WORKBOOK));
        Ruleset.Checked checked = Ruleset.check(files, "workbook", Map.of());
        assertThat(checked.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();
        List<FixtureCase> cases = FixtureCase.load(Fixtures.root()).stream()
                .filter(c -> c.topic().equals(FixtureCase.PRODUCT_SECURITY))
                .toList();
        FixtureSuite.Report report = FixtureSuite.run(checked.ruleset(), cases);
        assertThat(report.cases())
                .filteredOn(c -> !c.passed())
                .extracting(c -> c.fixture().name() + " " + c.mismatches())
                .isEmpty();
        assertThat(report.firedRules()).containsAll(removed);
        removed.forEach(
                name -> assertThat(checked.ruleset().rule(name).orElseThrow().file())
                        .isEqualTo("product/device-checks.drl.xlsx"));
    }

    @Test
    void aRowNamingAnUnknownRecommendationIsReportedAtItsCell() throws IOException {
        String csv = new String(table(), StandardCharsets.UTF_8);
        String row = "A device that boots unverified firmware fails PS-4.11,PS-4.11,";
        assertThat(csv).contains(row);
        String broken = csv.replace(row, "A device that boots unverified firmware fails PS-4.11,PS-4.99,");
        for (String path : List.of(TABLE_PATH, "product/device-checks.drl.xlsx")) {
            byte[] bytes = path.endsWith(".csv") ? broken.getBytes(StandardCharsets.UTF_8) : workbook(SHEET, broken);
            Ruleset.Checked checked =
                    Ruleset.check(builtInWithoutTableItems(new TreeSet<>()).with(path, bytes), "table", Map.of());
            assertThat(checked.usable()).isFalse();
            List<Diagnostic> errors =
                    checked.diagnostics().stream().filter(Diagnostic::isError).toList();
            assertThat(errors).hasSize(1);
            Diagnostic d = errors.get(0);
            String sheet = path.endsWith(".csv") ? "device-checks.drl.csv" : SHEET;
            assertThat(d.file()).isEqualTo(path);
            assertThat(d.line()).isEqualTo(rowOf(broken, "PS-4.99"));
            assertThat(d.column()).as("column B, 'Recommendation'").isEqualTo(2);
            assertThat(d.message())
                    .isEqualTo(
                            "sheet '" + sheet + "', cell B" + d.line()
                                    + ": rule \"A device that boots unverified firmware fails PS-4.11\" names recommendation PS-4.99, which catalog.yaml does not list");
        }
    }

    @Test
    void aCsvTableSavedInAnotherEncodingIsRefusedAtItsLine() throws IOException {
        String csv = new String(table(), StandardCharsets.UTF_8)
                .replace("Device-level checks", "機器の確認: device-level checks");
        Ruleset.Checked checked = Ruleset.check(
                builtInWithoutTableItems(new TreeSet<>())
                        .with(TABLE_PATH, csv.getBytes(java.nio.charset.Charset.forName("Shift_JIS"))),
                "t",
                Map.of());
        assertThat(checked.usable()).isFalse();
        Diagnostic d = checked.diagnostics().stream()
                .filter(Diagnostic::isError)
                .findFirst()
                .orElseThrow();
        assertThat(d.file()).isEqualTo(TABLE_PATH);
        assertThat(d.line()).isEqualTo(rowOf(csv, "機器の確認"));
        assertThat(d.message()).contains("not valid UTF-8 (was it saved as Shift_JIS?)");

        byte[] bom = ("\uFEFF" + new String(table(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        Ruleset.Checked withBom =
                Ruleset.check(builtInWithoutTableItems(new TreeSet<>()).with(TABLE_PATH, bom), "t", Map.of());
        assertThat(withBom.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();
    }

    @Test
    void aTableWithoutItsHeaderIsRefusedAsMalformedNotWithAStackTrace() {
        Ruleset.Checked checked = Ruleset.check(
                builtInWithoutTableItems(new TreeSet<>())
                        .with(
                                TABLE_PATH,
                                "RuleSet,io.kakunin.rules.product\nRuleTable Broken\nNAME,CONDITION\n"
                                        .getBytes(StandardCharsets.UTF_8)),
                "t",
                Map.of());
        assertThat(checked.usable()).isFalse();
        assertThat(checked.diagnostics())
                .filteredOn(Diagnostic::isError)
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
        return workbook(sheetName, csv, false);
    }

    /** A workbook of one sheet with a CSV table's cells; for people to read, with column widths and bold headings. */
    private static byte[] workbook(String sheetName, String csv, boolean forPeople) throws IOException {
        try (XSSFWorkbook workbook = new XSSFWorkbook();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet sheet = workbook.createSheet(sheetName);
            List<List<String>> rows = DecisionTables.csv(csv);
            org.apache.poi.ss.usermodel.CellStyle bold = workbook.createCellStyle();
            org.apache.poi.ss.usermodel.Font font = workbook.createFont();
            font.setBold(true);
            bold.setFont(font);
            for (int r = 0; r < rows.size(); r++) {
                Row row = sheet.createRow(r);
                List<String> values = rows.get(r);
                boolean heading = !values.isEmpty()
                        && (values.get(0).startsWith("RuleTable")
                                || values.get(0).equals("NAME")
                                || values.get(0).equals("Rule")
                                || values.get(0).equals("RuleSet"));
                for (int c = 0; c < values.size(); c++) {
                    if (!values.get(c).isEmpty()) {
                        org.apache.poi.ss.usermodel.Cell cell = row.createCell(c);
                        cell.setCellValue(values.get(c));
                        if (forPeople && heading) {
                            cell.setCellStyle(bold);
                        }
                    }
                }
            }
            if (forPeople) {
                int[] widths = {60, 16, 36, 48, 44, 28};
                for (int c = 0; c < widths.length; c++) {
                    sheet.setColumnWidth(c, widths[c] * 256);
                }
            }
            workbook.write(out);
            return out.toByteArray();
        }
    }
}
