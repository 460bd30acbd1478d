package io.kakunin.kb.compile;

import io.kakunin.kb.ruleset.Diagnostic;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.compiler.compiler.DescrBuildError;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.ParserError;
import org.kie.api.builder.Message;
import org.kie.internal.builder.KnowledgeBuilderResult;
import org.kie.internal.jci.CompilationProblem;

/**
 * Turns Drools builder messages into diagnostics an officer can act on: the file as it is in
 * the ruleset, the line and the column, and only the errors that say something new.
 *
 * <ul>
 *   <li>Positions Drools puts only in the text are read from it, in both of its forms:
 *       {@code [ERR 102] Line 12:4 mismatched input} and {@code [Line: 24, Column: 4]}; an
 *       expression Drools cannot analyse is located on its line.</li>
 *   <li>An error in a rule's {@code then} part (the Java compiler's) is reported at its own
 *       line, not at the rule's first line: Drools knows where the consequence starts in the
 *       generated class, and the compiler where the error is in it.</li>
 *   <li>Follow-up noise is dropped when the error that caused it is reported in the same rule:
 *       "type Rule_… is already defined" after a duplicate rule name, "$p cannot be resolved"
 *       after an unknown fact type, "null package" after a syntax error.</li>
 *   <li>An import that cannot be resolved is reported once, at the import: Drools shares the
 *       imports of a package among all its files, so the Java compiler fails every rule of every
 *       file of that package with it; those errors are left out and counted in the one
 *       reported.</li>
 * </ul>
 */
public final class DrlDiagnostics {

    private static final Pattern LINE_COLUMN = Pattern.compile("\\bLine (\\d+):(\\d+)");
    private static final Pattern BRACKET_LINE_COLUMN = Pattern.compile("\\[Line: (\\d+), Column: (\\d+)]");
    private static final Pattern ANALYSE = Pattern.compile("^Unable to Analyse Expression ([^\\n]*?):?\\s*(?:\\n|$)");
    private static final Pattern NEAR = Pattern.compile("\\[Near : \\{\\.\\.\\. (.*?) \\.\\.\\.\\.}]");
    private static final Pattern RULE_CLASS = Pattern.compile("\\s*for the type Rule_\\S+");
    private static final Pattern ALREADY_DEFINED = Pattern.compile("The type Rule_\\S+ is already defined");
    private static final Pattern UNRESOLVED = Pattern.compile("(\\S+) cannot be resolved(?: to a (?:variable|type))?");
    private static final Pattern UNDEFINED_METHOD = Pattern.compile("The method (\\w+)\\(");
    private static final Pattern IMPORT_FOLLOW_UP = Pattern.compile(
            "Only a type can be imported\\. (\\S+) resolves to a package|The import (\\S+) cannot be resolved");
    private static final Pattern QUOTED = Pattern.compile("'([\\w$.]+)'");
    private static final Pattern IMPORT_ERROR = Pattern.compile("Error importing : '([^']+)'");
    private static final Pattern RULE =
            Pattern.compile("^[ \\t]*rule[ \\t]+(?:\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)'|(\\S+))");
    private static final Pattern END = Pattern.compile("^[ \\t]*end\\b");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^[ \\t]*package[ \\t]+([\\w.]+)");
    /** The parser's code and its position, 0-based columns: said again by the diagnostic's own position. */
    private static final Pattern PARSER_CODE = Pattern.compile("^\\[ERR \\d+]\\s*(?:Line \\d+:\\d+\\s*)?");

    private static final Pattern FOUND = Pattern.compile("^(?:mismatched|extraneous) input '((?:[^'\\\\]|\\\\.)*)'");
    /** Tokens that end a pattern or a rule: met with a bracket still open, the bracket is what is missing. */
    private static final Set<String> ENDS = Set.of("then", "end", "rule", "when", "query", "function", "<EOF>");

    private static final Pattern STRICT_MODE =
            Pattern.compile("unable to resolve method using strict-mode: ([\\w.$]+)\\.(\\w+)\\(\\)");
    private static final String RESOURCES = "src/main/resources/";

    /**
     * Lines of the class Drools generates for a rule between the line it records as the
     * consequence's offset and the consequence's first line (the method's signature and its
     * variable declarations): calibrated on Drools 10, and checked against the rule's text.
     */
    private static final int CONSEQUENCE_HEADER_LINES = 4;

    /** What an entry is, for deciding what is noise. */
    private enum Kind {
        PRIMARY,
        IMPORT,
        IMPORT_FOLLOW_UP,
        DUPLICATE_FOLLOW_UP,
        UNRESOLVED_FOLLOW_UP
    }

    /** A diagnostic under construction, in the compiled resource. */
    private record Entry(
            String resource,
            int line,
            int column,
            Diagnostic.Severity severity,
            String message,
            Kind kind,
            String subject) {
        Entry at(int newLine, int newColumn) {
            return new Entry(resource, newLine, newColumn, severity, message, kind, subject);
        }

        Entry saying(String newMessage) {
            return new Entry(resource, line, column, severity, newMessage, kind, subject);
        }
    }

    /** A rule's span in a DRL text: its first line and the line of its {@code end}. */
    private record Span(String name, int start, int end) {}

    private DrlDiagnostics() {}

    /**
     * The diagnostics of a build.
     *
     * @param messages       the builder's messages
     * @param results        the knowledge builder's results behind them, when at hand (richer: rule
     *                       descriptions, the Java compiler's problems); may be empty
     * @param toRulesetPath  compiled resource path → the path in the ruleset
     * @param sources        compiled resource path → the DRL text compiled (for tables, the generated DRL)
     * @return diagnostics located in the compiled resources' ruleset paths (table lines not yet mapped to cells)
     */
    public static List<Diagnostic> of(
            List<Message> messages,
            List<KnowledgeBuilderResult> results,
            Map<String, String> toRulesetPath,
            Map<String, String> sources) {
        Map<String, Deque<KnowledgeBuilderResult>> byText = new HashMap<>();
        for (KnowledgeBuilderResult r : results) {
            byText.computeIfAbsent(
                            key(r.getResource() == null ? "" : r.getResource().getSourcePath(), r.getMessage()),
                            k -> new ArrayDeque<>())
                    .add(r);
        }
        Texts texts = new Texts(sources);
        List<Entry> entries = new ArrayList<>();
        for (Message message : messages) {
            if (message.getLevel() == Message.Level.INFO) {
                continue;
            }
            String raw = message.getText() == null ? "" : message.getText();
            if (raw.strip().startsWith("Parser returned a null Package")) {
                continue;
            }
            String resource = message.getPath() == null ? "" : message.getPath();
            if (resource.startsWith(RESOURCES)) {
                resource = resource.substring(RESOURCES.length());
            }
            Deque<KnowledgeBuilderResult> candidates = byText.get(key(resource, raw));
            KnowledgeBuilderResult result = candidates == null ? null : candidates.poll();
            Diagnostic.Severity severity =
                    message.getLevel() == Message.Level.ERROR ? Diagnostic.Severity.ERROR : Diagnostic.Severity.WARNING;
            entries.addAll(entries(resource, message.getLine(), message.getColumn(), severity, raw, result, texts));
        }
        return finish(entries, texts, toRulesetPath);
    }

    private static String key(String resource, String text) {
        String path = resource == null ? "" : resource;
        if (path.startsWith(RESOURCES)) {
            path = path.substring(RESOURCES.length());
        }
        return path + "\n" + (text == null ? "" : text.strip());
    }

    /** The entries of one message: one per Java compiler problem of a rule, else one. */
    private static List<Entry> entries(
            String resource,
            int line,
            int column,
            Diagnostic.Severity severity,
            String raw,
            KnowledgeBuilderResult result,
            Texts texts) {
        String text = raw.strip();
        if (result instanceof DescrBuildError error
                && error.getObject() instanceof CompilationProblem[] problems
                && problems.length > 0) {
            RuleDescr rule = rule(error);
            if (rule != null) {
                List<Entry> entries = new ArrayList<>();
                for (CompilationProblem problem : problems) {
                    entries.add(consequenceProblem(resource, severity, rule, problem, texts));
                }
                return entries;
            }
        }
        if (result instanceof ParserError parserError && column <= 0 && parserError.getCol() > 0) {
            column = parserError.getCol() + 1;
        }
        Matcher position = LINE_COLUMN.matcher(text);
        if (!position.find()) {
            position = BRACKET_LINE_COLUMN.matcher(text);
            if (!position.find()) {
                position = null;
            }
        }
        if (position != null) {
            if (line <= 0) {
                line = Integer.parseInt(position.group(1));
            }
            if (column <= 0) {
                // Drools counts columns from 0 in these texts; editors count from 1.
                column = Integer.parseInt(position.group(2)) + 1;
            }
        }
        Kind kind = Kind.PRIMARY;
        String subject = null;
        Matcher importError = IMPORT_ERROR.matcher(text);
        if (importError.find()) {
            kind = Kind.IMPORT;
            subject = importError.group(1);
            int[] at = texts.importOf(resource, subject);
            if (at != null) {
                line = at[0];
                column = at[1];
            }
            text = "cannot import " + subject + ": there is no such class";
        } else {
            int[] at = analysedExpression(resource, line, text, texts);
            if (at != null) {
                line = at[0];
                column = at[1];
            } else if (column <= 0 && (at = quoted(resource, line, text, texts)) != null) {
                column = at[1];
            }
        }
        Matcher parser = PARSER_CODE.matcher(text);
        if (parser.find()) {
            text = text.substring(parser.end());
            Bracket bracket = texts.bracketBefore(resource, line, column, text);
            if (bracket != null) {
                return List.of(new Entry(
                        resource, bracket.line(), bracket.column(), severity, bracket.message(), kind, subject));
            }
        }
        Matcher strict = STRICT_MODE.matcher(text);
        if (strict.find()) {
            String fact = strict.group(2);
            int at = texts.word(resource, line, column, fact);
            return List.of(new Entry(
                    resource,
                    Math.max(line, 0),
                    at > 0 ? at : Math.max(column, 0),
                    severity,
                    FactNames.unknown(strict.group(1), fact),
                    kind,
                    subject));
        }
        // MVEL's excerpt, caret and position say again what the diagnostic's position says.
        text = NEAR.matcher(text).replaceAll("");
        text = BRACKET_LINE_COLUMN.matcher(text).replaceAll("").replaceAll("(?m)^\\s*\\^\\s*$", "");
        return List.of(new Entry(
                resource,
                Math.max(line, 0),
                Math.max(column, 0),
                severity,
                text.replaceAll("\\s+", " ").strip(),
                kind,
                subject));
    }

    private static RuleDescr rule(DescrBuildError error) {
        for (BaseDescr descr : new BaseDescr[] {error.getDescr(), error.getParentDescr()}) {
            if (descr instanceof RuleDescr rule) {
                return rule;
            }
        }
        return null;
    }

    /** A Java compiler problem in a rule's consequence, at its line in the DRL. */
    private static Entry consequenceProblem(
            String resource, Diagnostic.Severity severity, RuleDescr rule, CompilationProblem problem, Texts texts) {
        String message = RULE_CLASS
                .matcher(
                        problem.getMessage() == null ? "" : problem.getMessage().strip())
                .replaceAll("");
        Kind kind = Kind.PRIMARY;
        String subject = null;
        Matcher m;
        if (ALREADY_DEFINED.matcher(message).matches()) {
            kind = Kind.DUPLICATE_FOLLOW_UP;
        } else if ((m = IMPORT_FOLLOW_UP.matcher(message)).matches()) {
            kind = Kind.IMPORT_FOLLOW_UP;
            subject = m.group(1) != null ? m.group(1) : m.group(2);
        } else if ((m = UNRESOLVED.matcher(message)).matches()) {
            kind = Kind.UNRESOLVED_FOLLOW_UP;
            subject = m.group(1);
        }
        int line = rule.getLine();
        int first = texts.consequenceStart(resource, rule);
        if (first > 0) {
            // The compiler's line in the generated class, less the lines before the consequence in it.
            int candidate = first + problem.getStartLine() - (rule.getConsequenceOffset() + CONSEQUENCE_HEADER_LINES);
            Span span = texts.spanAt(resource, rule.getLine());
            if (candidate >= first && (span == null || candidate < span.end())) {
                line = candidate;
            }
        }
        String token = null;
        if ((m = UNDEFINED_METHOD.matcher(message)).find()) {
            token = m.group(1) + "(";
        } else if (kind == Kind.UNRESOLVED_FOLLOW_UP) {
            token = subject;
        }
        if (token == null && line == first && rule.getConsequence() != null) {
            // The first statement, which may share its line with "then".
            token = rule.getConsequence().toString().strip().lines().findFirst().orElse(null);
        }
        int column = texts.column(resource, line, token);
        String where = " (in the then part of rule \"" + rule.getName() + "\")";
        return new Entry(resource, line, column, severity, message + where, kind, subject);
    }

    /** Where an expression Drools could not analyse is: on the reported line, or further in the rule. */
    private static int[] analysedExpression(String resource, int line, String text, Texts texts) {
        Matcher analyse = ANALYSE.matcher(text);
        if (line <= 0 || !analyse.find()) {
            return null;
        }
        List<String> wanted = new ArrayList<>();
        Matcher near = NEAR.matcher(text);
        if (near.find() && !near.group(1).isBlank()) {
            wanted.add(near.group(1).strip());
        }
        if (!analyse.group(1).isBlank()) {
            wanted.add(analyse.group(1).strip());
        }
        Span span = texts.spanAt(resource, line);
        int last = span == null ? line : Math.max(line, span.end());
        for (String part : wanted) {
            for (int l = line; l <= last; l++) {
                String source = texts.line(resource, l);
                int at = source == null ? -1 : source.indexOf(part);
                if (at >= 0) {
                    return new int[] {l, at + 1};
                }
            }
        }
        return null;
    }

    /** Where a name the message quotes ({@code Unable to resolve ObjectType 'Produkt'}) is on the reported line. */
    private static int[] quoted(String resource, int line, String text, Texts texts) {
        Matcher quoted = QUOTED.matcher(text);
        String source = texts.line(resource, line);
        if (source == null || !quoted.find()) {
            return null;
        }
        Matcher word = Pattern.compile("(?<![\\w$])" + Pattern.quote(quoted.group(1)) + "(?![\\w$])")
                .matcher(source);
        return word.find() ? new int[] {line, word.start() + 1} : null;
    }

    /** Drops the noise, counts the import cascade into its cause, and places the rest in ruleset files. */
    private static List<Diagnostic> finish(List<Entry> entries, Texts texts, Map<String, String> toRulesetPath) {
        Set<String> badImports = new LinkedHashSet<>();
        Set<String> rulesWithPrimaryErrors = new TreeSet<>();
        for (Entry e : entries) {
            if (e.kind() == Kind.IMPORT) {
                badImports.add(e.subject());
            }
            if ((e.kind() == Kind.PRIMARY || e.kind() == Kind.IMPORT) && e.severity() == Diagnostic.Severity.ERROR) {
                Span span = texts.spanAt(e.resource(), e.line());
                if (span != null) {
                    rulesWithPrimaryErrors.add(e.resource() + "\n" + span.start());
                }
            }
        }
        Map<String, Set<String>> cascadeFiles = new HashMap<>();
        Map<String, Integer> cascadeRules = new HashMap<>();
        List<Entry> kept = new ArrayList<>();
        for (Entry e : entries) {
            switch (e.kind()) {
                case IMPORT_FOLLOW_UP -> {
                    String cause = badImports.stream()
                            .filter(bad -> bad.equals(e.subject())
                                    || bad.startsWith(e.subject() + ".")
                                    || e.subject().startsWith(bad + "."))
                            .findFirst()
                            .orElse(null);
                    if (cause != null) {
                        cascadeFiles
                                .computeIfAbsent(cause, k -> new TreeSet<>())
                                .add(toRulesetPath.getOrDefault(e.resource(), e.resource()));
                        cascadeRules.merge(cause, 1, Integer::sum);
                        continue;
                    }
                }
                case DUPLICATE_FOLLOW_UP, UNRESOLVED_FOLLOW_UP -> {
                    Span span = texts.spanAt(e.resource(), e.line());
                    if (span != null && rulesWithPrimaryErrors.contains(e.resource() + "\n" + span.start())) {
                        continue;
                    }
                }
                default -> {}
            }
            kept.add(e);
        }
        // In file order, as an editor lists them.
        kept.sort(java.util.Comparator.comparing(Entry::resource)
                .thenComparingInt(Entry::line)
                .thenComparingInt(Entry::column));
        Set<Diagnostic> out = new LinkedHashSet<>();
        for (Entry e : kept) {
            Entry entry = e;
            if (e.kind() == Kind.IMPORT && cascadeRules.containsKey(e.subject())) {
                String pkg = texts.packageOf(e.resource());
                Set<String> files = cascadeFiles.get(e.subject());
                int rules = cascadeRules.get(e.subject());
                entry = e.saying(e.message() + "; the rule files of a package share their imports, so "
                        + (pkg == null ? "the package" : "package " + pkg) + " does not compile until it is fixed ("
                        + rules + " rule" + (rules == 1 ? "" : "s") + " in " + files.size() + " file"
                        + (files.size() == 1 ? "" : "s")
                        + ", not reported one by one)");
            }
            out.add(new Diagnostic(
                    toRulesetPath.getOrDefault(entry.resource(), entry.resource()),
                    entry.line(),
                    entry.column() > 0 ? entry.column() : texts.column(entry.resource(), entry.line(), null),
                    entry.severity(),
                    entry.message()));
        }
        return List.copyOf(out);
    }

    /** What a parser error really is when it is about brackets: where, and what to write or remove. */
    private record Bracket(int line, int column, String message) {}

    /** The DRL texts compiled, split into lines and rules once. */
    private static final class Texts {
        private final Map<String, String> sources;
        private final Map<String, String[]> lines = new HashMap<>();
        private final Map<String, List<Span>> spans = new HashMap<>();

        Texts(Map<String, String> sources) {
            this.sources = sources;
        }

        private String[] lines(String resource) {
            return lines.computeIfAbsent(resource, r -> {
                String text = sources.get(r);
                return text == null ? new String[0] : text.split("\\r?\\n|\\r", -1);
            });
        }

        /** The text of a 1-based line, or null. */
        String line(String resource, int line) {
            String[] all = lines(resource);
            return line >= 1 && line <= all.length ? all[line - 1] : null;
        }

        /** The 1-based column of a token on a line (the first non-blank one without a token, or when it is not there); 0 without the line. */
        int column(String resource, int line, String token) {
            String text = line(resource, line);
            if (text == null) {
                return 0;
            }
            if (token != null) {
                int at = text.indexOf(token);
                if (at >= 0) {
                    return at + 1;
                }
            }
            for (int i = 0; i < text.length(); i++) {
                if (!Character.isWhitespace(text.charAt(i))) {
                    return i + 1;
                }
            }
            return 1;
        }

        /** The 1-based column of a whole word on a line, from a column on (the first one anywhere else); 0 when absent. */
        int word(String resource, int line, int from, String word) {
            String text = line(resource, line);
            if (text == null) {
                return 0;
            }
            Matcher m = Pattern.compile("(?<![\\w$])" + Pattern.quote(word) + "(?![\\w$])")
                    .matcher(text);
            int first = 0;
            while (m.find()) {
                if (first == 0) {
                    first = m.start() + 1;
                }
                if (m.start() + 1 >= from) {
                    return m.start() + 1;
                }
            }
            return first;
        }

        /**
         * A parser error at a token that cannot be inside brackets ({@code then}, {@code end}, …)
         * while one is open is a missing closing bracket: reported where it belongs, right after
         * the last code before that token. A closing bracket with none open is one too many:
         * reported where it is. Null when the error is about something else.
         */
        Bracket bracketBefore(String resource, int line, int column, String message) {
            Matcher found = FOUND.matcher(message);
            String token = found.find() ? found.group(1) : null;
            if (token == null || line <= 0 || column <= 0) {
                return null;
            }
            Span span = spanAt(resource, line);
            int from = span == null ? 1 : span.start();
            Deque<int[]> open = new ArrayDeque<>();
            int lastLine = 0;
            int lastColumn = 0;
            boolean inBlockComment = false;
            for (int l = from; l <= line; l++) {
                String text = line(resource, l);
                if (text == null) {
                    break;
                }
                int end = l == line ? Math.min(column - 1, text.length()) : text.length();
                for (int i = 0; i < end; i++) {
                    char c = text.charAt(i);
                    if (inBlockComment) {
                        if (c == '*' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                            inBlockComment = false;
                            i++;
                        }
                        continue;
                    }
                    if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                        break;
                    }
                    if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                        inBlockComment = true;
                        i++;
                        continue;
                    }
                    if (c == '"' || c == '\'') {
                        int close = i + 1;
                        while (close < end && text.charAt(close) != c) {
                            close += text.charAt(close) == '\\' ? 2 : 1;
                        }
                        i = Math.min(close, end - 1);
                        lastLine = l;
                        lastColumn = i + 1;
                        continue;
                    } else if (c == '(' || c == '[' || c == '{') {
                        open.push(new int[] {c, l, i + 1});
                    } else if ((c == ')' || c == ']' || c == '}') && !open.isEmpty()) {
                        open.pop();
                    }
                    if (!Character.isWhitespace(c)) {
                        lastLine = l;
                        lastColumn = i + 1;
                    }
                }
            }
            String shown = token.equals("<EOF>") ? "the end of the file" : "'" + token + "'";
            if (!open.isEmpty() && ENDS.contains(token) && lastLine > 0) {
                int[] bracket = open.peek();
                char opening = (char) bracket[0];
                char closing = opening == '(' ? ')' : opening == '[' ? ']' : '}';
                return new Bracket(
                        lastLine,
                        lastColumn + 1,
                        "missing '" + closing + "': the '" + opening + "' at line " + bracket[1] + ", column "
                                + bracket[2] + " is still open at " + shown
                                + (token.equals("<EOF>") ? "" : " on line " + line));
            }
            if (open.isEmpty() && (token.equals(")") || token.equals("]") || token.equals("}"))) {
                return new Bracket(line, column, "'" + token + "' closes nothing: no bracket is open here; remove it");
            }
            return null;
        }

        /** The rule whose text holds a line, if any. */
        Span spanAt(String resource, int line) {
            for (Span span : spans(resource)) {
                if (line >= span.start() && line <= span.end()) {
                    return span;
                }
            }
            return null;
        }

        private List<Span> spans(String resource) {
            return spans.computeIfAbsent(resource, r -> {
                List<Span> found = new ArrayList<>();
                String[] all = lines(r);
                for (int i = 0; i < all.length; i++) {
                    Matcher rule = RULE.matcher(all[i]);
                    if (!rule.find()) {
                        continue;
                    }
                    String name = rule.group(1) != null
                            ? rule.group(1)
                            : rule.group(2) != null ? rule.group(2) : rule.group(3);
                    int end = all.length;
                    for (int j = i + 1; j < all.length; j++) {
                        if (END.matcher(all[j]).find()) {
                            end = j + 1;
                            break;
                        }
                        if (RULE.matcher(all[j]).find()) {
                            end = j;
                            break;
                        }
                    }
                    found.add(new Span(name, i + 1, end));
                }
                return found;
            });
        }

        /**
         * The line the consequence of a rule starts on: the first line at or after {@code then}
         * that holds the consequence's first line of text; 0 when it cannot be found.
         */
        int consequenceStart(String resource, RuleDescr rule) {
            Object consequence = rule.getConsequence();
            String first = consequence == null
                    ? ""
                    : consequence
                            .toString()
                            .strip()
                            .lines()
                            .findFirst()
                            .orElse("")
                            .strip();
            int from = Math.max(rule.getConsequenceLine(), rule.getLine());
            Span span = spanAt(resource, rule.getLine());
            int to = span == null ? from + 1000 : span.end();
            if (first.isEmpty() || from <= 0) {
                return 0;
            }
            for (int l = from; l <= to; l++) {
                String text = line(resource, l);
                if (text == null) {
                    break;
                }
                int at = text.indexOf(first);
                // On the then line itself only after the keyword.
                if (at >= 0 && (l != rule.getConsequenceLine() || text.indexOf("then") < at)) {
                    return l;
                }
            }
            return 0;
        }

        /** Line and column of the name in {@code import <name>} in a resource, or null. */
        int[] importOf(String resource, String name) {
            Pattern statement =
                    Pattern.compile("^[ \\t]*import[ \\t]+(?:static[ \\t]+)?(" + Pattern.quote(name) + ")\\b");
            String[] all = lines(resource);
            for (int i = 0; i < all.length; i++) {
                Matcher m = statement.matcher(all[i]);
                if (m.find()) {
                    return new int[] {i + 1, m.start(1) + 1};
                }
            }
            return null;
        }

        String packageOf(String resource) {
            String text = sources.get(resource);
            if (text == null) {
                return null;
            }
            Matcher m = PACKAGE.matcher(text);
            return m.find() ? m.group(1) : null;
        }
    }
}
