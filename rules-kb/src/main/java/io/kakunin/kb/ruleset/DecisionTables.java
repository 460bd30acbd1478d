package io.kakunin.kb.ruleset;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.drools.decisiontable.InputType;
import org.drools.decisiontable.SpreadsheetCompiler;

/**
 * Decision tables ({@code *.drl.csv}, {@code *.drl.xlsx}, {@code *.drl.xls}) turned into DRL, with a
 * map from each generated line back to the table cell it came from, so that a compile error is
 * reported against the officer's sheet, row and column, not against DRL nobody wrote.
 */
public final class DecisionTables {

    private static final Pattern ROW_MARKER = Pattern.compile("//\\s*rule values at ([A-Z]+)(\\d+)");
    private static final Pattern CELL = Pattern.compile("\\b([A-Z]{1,3})(\\d{1,7})\\b");
    private static final Pattern HEADER_MARKER = Pattern.compile("header at [A-Z]+(\\d+)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(?:param|\\d+)");

    /** A cell of a table: its sheet, 1-based row and column. */
    public record Cell(String sheet, int row, int column) {
        public String label() {
            return "sheet '" + sheet + "', cell " + columnName(column) + row;
        }
    }

    /** A table compiled to DRL, and where each generated line came from. */
    public record Generated(String drl, List<Cell> lineToCell) {
        /** The cell a 1-based generated line came from, or null. */
        public Cell cellOf(int line) {
            return line >= 1 && line <= lineToCell.size() ? lineToCell.get(line - 1) : null;
        }
    }

    private DecisionTables() {}

    public static boolean isTable(String path) {
        return path.endsWith(".drl.csv") || path.endsWith(".drl.xlsx") || path.endsWith(".drl.xls");
    }

    /**
     * Compiles a table to DRL.
     *
     * @throws RulesetException with a diagnostic located in the table when its structure is wrong
     */
    public static Generated compile(String path, byte[] bytes) {
        if (path.endsWith(".csv")) {
            // Drools reads CSV as UTF-8 and silently replaces what it cannot decode; refuse a
            // table saved in another encoding instead, at its first bad byte. Skip a byte-order mark.
            bytes = RulesetFiles.withoutBom(bytes);
            java.util.Optional<Diagnostic> encoding = RulesetFiles.utf8Problem(path, bytes);
            if (encoding.isPresent()) {
                Diagnostic d = encoding.get();
                String sheet = path.substring(path.lastIndexOf('/') + 1);
                throw new RulesetException(
                        "the decision table is not valid UTF-8",
                        List.of(new Diagnostic(
                                path,
                                d.line(),
                                d.column(),
                                d.severity(),
                                "sheet '" + sheet + "', line " + d.line() + ": " + d.message())));
            }
        }
        List<List<List<String>>> sheets;
        List<String> sheetNames = new ArrayList<>();
        String drl;
        try {
            sheets = read(path, bytes, sheetNames);
            InputType type = path.endsWith(".csv") ? InputType.CSV : InputType.XLS;
            drl = new SpreadsheetCompiler().compile(new ByteArrayInputStream(bytes), type);
        } catch (RuntimeException | IOException e) {
            String message = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().replaceAll("\\s+", " ");
            int row = 0, column = 0;
            Matcher m = CELL.matcher(message);
            if (m.find()) {
                column = columnIndex(m.group(1));
                row = Integer.parseInt(m.group(2));
            }
            throw new RulesetException(
                    "the decision table cannot be read",
                    List.of(new Diagnostic(
                            path, row, column, Diagnostic.Severity.ERROR, "the table is malformed: " + message)));
        }
        return new Generated(drl, map(drl, sheets, sheetNames));
    }

    /** Maps each generated line to a cell: the row of its rule, the column whose text is on the line. */
    private static List<Cell> map(String drl, List<List<List<String>>> sheets, List<String> names) {
        String[] lines = drl.split("\n", -1);
        List<Cell> cells = new ArrayList<>(lines.length);
        int row = 0;
        int header = 0;
        String ruleName = null;
        int sheet = 0;
        for (String line : lines) {
            Matcher marker = ROW_MARKER.matcher(line);
            if (marker.find()) {
                row = Integer.parseInt(marker.group(2));
                Matcher headerAt = HEADER_MARKER.matcher(line);
                header = headerAt.find() ? Integer.parseInt(headerAt.group(1)) : 0;
                ruleName = null;
            }
            Matcher rule = Pattern.compile("^\\s*rule\\s+\"(.*)\"").matcher(line);
            if (rule.find()) {
                ruleName = rule.group(1);
                sheet = sheetOf(sheets, row, ruleName);
            }
            if (row == 0 || sheets.isEmpty()) {
                cells.add(headerCell(sheets, names, line));
                continue;
            }
            List<String> values = rowOf(sheets.get(sheet), row);
            int best = 0, bestLength = 0;
            for (int c = 0; c < values.size(); c++) {
                String v = values.get(c).strip();
                if (v.length() > bestLength && line.contains(v)) {
                    best = c + 1;
                    bestLength = v.length();
                }
            }
            Cell template = best == 0 ? templateCell(sheets.get(sheet), names.get(sheet), header, row, line) : null;
            cells.add(template != null ? template : new Cell(names.get(sheet), row, best));
        }
        return cells;
    }

    /**
     * For generated code that no value of its rule's row explains (an action column marked with
     * {@code X}), the template cell it comes from: between the table's header row and its rule
     * rows, the cell whose longest stretch of text outside the placeholders is on the line.
     */
    private static Cell templateCell(List<List<String>> sheet, String name, int header, int row, String line) {
        String code = line.strip();
        if (header <= 0
                || code.isEmpty()
                || code.startsWith("//")
                || code.equals("when")
                || code.equals("then")
                || code.equals("end")) {
            return null;
        }
        Cell best = null;
        int bestLength = 3;
        for (int r = header + 1; r < row; r++) {
            List<String> values = rowOf(sheet, r);
            for (int c = 0; c < values.size(); c++) {
                for (String piece : PLACEHOLDER.split(values.get(c))) {
                    String p = piece.strip();
                    if (p.length() > bestLength && line.contains(p)) {
                        best = new Cell(name, r, c + 1);
                        bestLength = p.length();
                    }
                }
            }
        }
        return best;
    }

    /** A line outside the rules (package, imports, globals) comes from the RuleSet area. */
    private static Cell headerCell(List<List<List<String>>> sheets, List<String> names, String line) {
        for (int s = 0; s < sheets.size(); s++) {
            List<List<String>> rows = sheets.get(s);
            for (int r = 0; r < rows.size(); r++) {
                for (int c = 0; c < rows.get(r).size(); c++) {
                    String v = rows.get(r).get(c).strip();
                    if (v.length() > 3 && line.contains(v)) {
                        return new Cell(names.get(s), r + 1, c + 1);
                    }
                }
            }
        }
        return new Cell(names.isEmpty() ? "" : names.get(0), 0, 0);
    }

    private static int sheetOf(List<List<List<String>>> sheets, int row, String ruleName) {
        for (int s = 0; s < sheets.size(); s++) {
            if (rowOf(sheets.get(s), row).stream().anyMatch(v -> v.strip().equals(ruleName))) {
                return s;
            }
        }
        return 0;
    }

    private static List<String> rowOf(List<List<String>> sheet, int row) {
        return row >= 1 && row <= sheet.size() ? sheet.get(row - 1) : List.of();
    }

    /**
     * The cell of a table that holds a value in the row of a rule: for a problem found in a
     * rule written as a table row (a recommendation the catalog does not list), the cell to
     * fix. Null when the table cannot be read or the rule is not in it.
     */
    public static Cell cellOf(String path, byte[] bytes, String ruleName, String value) {
        List<String> names = new ArrayList<>();
        List<List<List<String>>> sheets;
        try {
            sheets = read(path, path.endsWith(".csv") ? RulesetFiles.withoutBom(bytes) : bytes, names);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        for (int s = 0; s < sheets.size(); s++) {
            List<List<String>> rows = sheets.get(s);
            for (int r = 0; r < rows.size(); r++) {
                List<String> row = rows.get(r);
                if (row.stream().noneMatch(v -> v.strip().equals(ruleName))) {
                    continue;
                }
                for (int c = 0; c < row.size(); c++) {
                    if (value != null && row.get(c).strip().equals(value)) {
                        return new Cell(names.get(s), r + 1, c + 1);
                    }
                }
                for (int c = 0; c < row.size(); c++) {
                    if (row.get(c).strip().equals(ruleName)) {
                        return new Cell(names.get(s), r + 1, c + 1);
                    }
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ reading cells

    private static List<List<List<String>>> read(String path, byte[] bytes, List<String> names) throws IOException {
        List<List<List<String>>> sheets = new ArrayList<>();
        if (path.endsWith(".csv")) {
            names.add(path.substring(path.lastIndexOf('/') + 1));
            sheets.add(csv(RulesetFiles.decode(path, bytes)));
            return sheets;
        }
        try (InputStream in = new ByteArrayInputStream(bytes);
                Workbook workbook = WorkbookFactory.create(in)) {
            DataFormatter formatter = new DataFormatter();
            for (Sheet sheet : workbook) {
                names.add(sheet.getSheetName());
                List<List<String>> rows = new ArrayList<>();
                for (int r = 0; r <= sheet.getLastRowNum(); r++) {
                    Row row = sheet.getRow(r);
                    List<String> values = new ArrayList<>();
                    if (row != null) {
                        for (int c = 0; c < row.getLastCellNum(); c++) {
                            org.apache.poi.ss.usermodel.Cell cell = row.getCell(c);
                            values.add(cell == null ? "" : formatter.formatCellValue(cell));
                        }
                    }
                    rows.add(values);
                }
                sheets.add(rows);
            }
        }
        return sheets;
    }

    /** RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes. */
    public static List<List<String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }

    public static String columnName(int column) {
        StringBuilder sb = new StringBuilder();
        for (int c = column; c > 0; c = (c - 1) / 26) {
            sb.insert(0, (char) ('A' + (c - 1) % 26));
        }
        return sb.length() == 0 ? "?" : sb.toString();
    }

    private static int columnIndex(String letters) {
        int n = 0;
        for (char ch : letters.toCharArray()) {
            n = n * 26 + (ch - 'A' + 1);
        }
        return n;
    }
}
