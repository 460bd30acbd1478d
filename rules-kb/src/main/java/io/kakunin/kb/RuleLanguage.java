package io.kakunin.kb;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Position;
import com.github.javaparser.Problem;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.LiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.EmptyStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.Statement;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.kb.ruleset.DecisionTables;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.RulesetException;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.kb.sharing.ConsentFreePath;
import io.kakunin.kb.sharing.Identifier;
import io.kakunin.kb.sharing.ShareMarking;
import io.kakunin.kb.sharing.StixObject;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.drools.drl.ast.descr.AccumulateDescr;
import org.drools.drl.ast.descr.AndDescr;
import org.drools.drl.ast.descr.AnnotatedBaseDescr;
import org.drools.drl.ast.descr.AnnotationDescr;
import org.drools.drl.ast.descr.AttributeDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.BindingDescr;
import org.drools.drl.ast.descr.CollectDescr;
import org.drools.drl.ast.descr.ConditionalBranchDescr;
import org.drools.drl.ast.descr.EntryPointDescr;
import org.drools.drl.ast.descr.EvalDescr;
import org.drools.drl.ast.descr.ExistsDescr;
import org.drools.drl.ast.descr.ExprConstraintDescr;
import org.drools.drl.ast.descr.ForallDescr;
import org.drools.drl.ast.descr.FromDescr;
import org.drools.drl.ast.descr.FunctionDescr;
import org.drools.drl.ast.descr.GlobalDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.MVELExprDescr;
import org.drools.drl.ast.descr.NamedConsequenceDescr;
import org.drools.drl.ast.descr.NotDescr;
import org.drools.drl.ast.descr.OrDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.PatternSourceDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;
import org.drools.mvel.parser.DrlxParser;
import org.drools.mvel.parser.GeneratedMvelParserConstants;
import org.drools.mvel.parser.ParseStart;
import org.drools.mvel.parser.Token;
import org.drools.mvel.parser.ast.expr.BigDecimalLiteralExpr;
import org.drools.mvel.parser.ast.expr.BigIntegerLiteralExpr;
import org.drools.mvel.parser.ast.expr.DrlNameExpr;
import org.drools.mvel.parser.ast.expr.DrlxExpression;
import org.drools.mvel.parser.ast.expr.HalfBinaryExpr;
import org.drools.mvel.parser.ast.expr.HalfPointFreeExpr;
import org.drools.mvel.parser.ast.expr.NullSafeFieldAccessExpr;
import org.drools.mvel.parser.ast.expr.NullSafeMethodCallExpr;
import org.drools.mvel.parser.ast.expr.PointFreeExpr;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.builder.conf.LanguageLevelOption;

/**
 * The rule language a ruleset may be written in: conditions on the facts and reports through the
 * outcomes API, nothing that acts. DRL is a front end to Java (consequences are Java, and
 * {@code eval}, {@code from}, functions, static calls and custom accumulates run Java too), so a
 * ruleset that passes only the compiler could do anything the service's user may do. This check
 * parses every rule file, and the DRL every decision table generates, with the Drools parser and
 * the JavaParser it brings, and refuses anything outside the language below, before anything is
 * compiled or run. Each refusal is located at the file, line and column (for a table, its cell).
 *
 * <p>What a ruleset may contain:
 * <ul>
 *   <li>imports of the fact model ({@code io.kakunin.api.model.*}), of the engine's facts
 *       ({@link #ENGINE_FACTS}), of {@code java.time.*} and of the collection types
 *       {@link #JDK_IMPORTS}; the one global {@code io.kakunin.kb.Outcomes outcomes};</li>
 *   <li>rules with literal metadata, the attributes {@link #ATTRIBUTES} with literal values, and
 *       conditions made of patterns, {@code not}, {@code exists}, {@code forall}, {@code and},
 *       {@code or}, {@code from} a property of a bound fact, {@code collect}, and {@code accumulate}
 *       with the functions {@link #ACCUMULATE_FUNCTIONS};</li>
 *   <li>in constraints: literals, operators, bound variables, the fact model's properties and
 *       getters, the query methods of the engine's facts, the pure JDK methods {@link #JDK_METHODS},
 *       the constants and nested types of imported types, {@code values()} of an enum, and the
 *       static calls {@link #STATIC_CALLS};</li>
 *   <li>in {@code then}: only calls of the outcomes API, {@code outcomes.fail(drools, $p, "/fact")}
 *       and its siblings, whose arguments are literals, {@code drools}, bound variables, getters of
 *       bound variables, or {@code +} of those.</li>
 * </ul>
 * Not: {@code function}, {@code eval}, {@code declare}, {@code query}, other globals,
 * {@code import function}, {@code import accumulate}, accumulate code
 * ({@code init/action/reverse/result}), sliding windows, named consequences, {@code dialect "mvel"},
 * object creation, lambdas, casts, class literals, assignments, any other call, and Java unicode
 * escapes ({@code \}{@code u0041}) anywhere in a rule file, since the Java compiler would read them
 * as code wherever they stand, even in a comment.
 *
 * <p>Mistakes that cannot act (a misspelt property, an unknown fact type, an unresolvable import)
 * pass this check and are left to the compiler, whose diagnostics say more about them.
 */
final class RuleLanguage {

    /** Packages whose every class belongs to the fact model: the contract's generated model. */
    static final String FACT_MODEL_PACKAGE = "io.kakunin.api.model";

    /** The engine's own facts, which the built-in rules match on; their public methods are queries. */
    static final List<Class<?>> ENGINE_FACTS = List.of(
            Evaluation.class,
            ProductAt.class,
            RequirementOf.class,
            RiskAcceptanceOf.class,
            NetworkServiceOf.class,
            CommunicationOf.class,
            CoverageOf.class,
            FindingOf.class,
            ConsentFreePath.class,
            Identifier.class,
            ShareMarking.class,
            StixObject.class);

    /** JDK types a rule may import besides {@code java.time.*}: the collections a pattern may match on. */
    static final Set<String> JDK_IMPORTS = Set.of(
            "java.util.Collection",
            "java.util.List",
            "java.util.Set",
            "java.util.Map",
            "java.time.temporal.ChronoUnit");

    /** The type of the one global, and its name. */
    static final String OUTCOMES_TYPE = Outcomes.class.getName();

    static final String OUTCOMES = "outcomes";

    /** java.lang types a pattern or a constraint may name without an import (their static methods stay refused). */
    static final Set<String> IMPLICIT_TYPES = Set.of(
            "Object",
            "String",
            "Boolean",
            "Character",
            "Byte",
            "Short",
            "Integer",
            "Long",
            "Float",
            "Double",
            "Number");

    /** Pure JDK instance methods a constraint may call (on strings, collections, dates and durations, numbers, enums). */
    static final Set<String> JDK_METHODS = Set.of(
            // String
            "length",
            "isEmpty",
            "isBlank",
            "startsWith",
            "endsWith",
            "contains",
            "equals",
            "equalsIgnoreCase",
            "matches",
            "toLowerCase",
            "toUpperCase",
            "strip",
            "trim",
            // collections
            "size",
            "containsAll",
            "containsKey",
            "containsValue",
            // java.time
            "isBefore",
            "isAfter",
            "isEqual",
            "plusDays",
            "minusDays",
            "plusWeeks",
            "minusWeeks",
            "plusMonths",
            "minusMonths",
            "plusYears",
            "minusYears",
            "plusHours",
            "minusHours",
            "getYear",
            "getMonthValue",
            "getDayOfMonth",
            "getDayOfWeek",
            "toLocalDate",
            "toDays",
            "toHours",
            "toMinutes",
            "getDays",
            "getMonths",
            "getYears",
            "toTotalMonths",
            "between",
            // numbers, enums
            "compareTo",
            "intValue",
            "longValue",
            "doubleValue",
            "name");

    /** The properties Drools reads through those methods ({@code size < 4}, {@code name.empty}). */
    static final Set<String> JDK_PROPERTIES = Set.of(
            "size",
            "empty",
            "blank",
            "length",
            "year",
            "monthValue",
            "dayOfMonth",
            "dayOfWeek",
            "days",
            "months",
            "years");

    /** The static methods a constraint may call, by class. */
    static final Map<String, Set<String>> STATIC_CALLS = Map.of(
            "java.time.Duration", Set.of("between", "ofDays", "ofHours", "ofMinutes", "ofSeconds"),
            "java.time.Period", Set.of("between", "ofDays", "ofWeeks", "ofMonths", "ofYears"),
            "java.time.LocalDate", Set.of("of", "parse"));

    /** The operators of DRL constraints ({@code x contains y}, {@code x in (…)}, {@code s str[startsWith] "a"}, temporal ones). */
    static final Set<String> OPERATORS = Set.of(
            "contains",
            "excludes",
            "matches",
            "memberOf",
            "soundslike",
            "in",
            "str",
            "after",
            "before",
            "coincides",
            "during",
            "finishes",
            "finishedby",
            "includes",
            "meets",
            "metby",
            "overlaps",
            "overlappedby",
            "starts",
            "startedby");

    /** Drools' built-in accumulate functions that a rule may use; no other function and no accumulate code. */
    static final Set<String> ACCUMULATE_FUNCTIONS =
            Set.of("count", "sum", "min", "max", "average", "collectList", "collectSet");

    /** Rule and package attributes a rule may carry, with literal values only; not {@code timer}, {@code calendars}, {@code duration}. */
    static final Set<String> ATTRIBUTES = Set.of(
            "salience",
            "agenda-group",
            "activation-group",
            "ruleflow-group",
            "no-loop",
            "lock-on-active",
            "auto-focus",
            "enabled",
            "date-effective",
            "date-expires",
            "dialect");

    /**
     * Names that reach the class loader or the runtime, or change a collection: never allowed, whatever
     * the fact model might one day call a property (Drools also reads {@code x.size} by calling {@code size()}).
     */
    private static final Set<String> NEVER = Set.of(
            "class",
            "getClass",
            "classLoader",
            "getClassLoader",
            "declaringClass",
            "getDeclaringClass",
            "forName",
            "newInstance",
            "invoke",
            "exec",
            "getRuntime",
            "wait",
            "notify",
            "notifyAll",
            "finalize",
            "add",
            "addAll",
            "remove",
            "removeAll",
            "retainAll",
            "clear",
            "put",
            "putAll",
            "set",
            "start",
            "run",
            "close",
            "delete",
            "exit",
            "halt",
            "interrupt");

    private static final Set<String> OBJECT_METHODS = Set.of("toString", "equals", "hashCode");

    private static final String FROM_HINT =
            "from may only read a property of a bound fact, such as from $p.networkServices";
    private static final String THEN_HINT =
            "a then part may only report outcomes, such as outcomes.fail(drools, $p, \"/fact\"), "
                    + "with literals, drools, bound variables and their getters as arguments";

    /**
     * The DRL dialect the compiler parses with (a system property can change it): a file parses
     * here exactly as it will there. Where it does not parse, the compiler compiles nothing of it.
     */
    private static final LanguageLevelOption LANGUAGE_LEVEL = KnowledgeBuilderFactory.newKnowledgeBuilderConfiguration(
                    RuleLanguage.class.getClassLoader())
            .getOption(LanguageLevelOption.KEY);

    private RuleLanguage() {}

    // ================================================================== entry point

    /**
     * Every construct in the rule files of a ruleset that the rule language does not allow, each
     * located in the file (a table at its cell). Empty when the rules may be compiled. Files that
     * do not parse are left to the compiler: it refuses them without compiling any of their code.
     */
    static List<Diagnostic> check(RulesetFiles files) {
        List<Diagnostic> problems = new ArrayList<>();
        files.files().forEach((path, bytes) -> {
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (!RulesetFiles.isRuleFile(name)) {
                return;
            }
            if (DecisionTables.isTable(path)) {
                DecisionTables.Generated table;
                try {
                    table = DecisionTables.compile(path, bytes);
                } catch (RulesetException e) {
                    return; // a table that yields no DRL compiles to nothing; the compiler reports why
                }
                // One template cell feeds every rule row of its column: one refusal for it, not one per row.
                Set<Diagnostic> located = new LinkedHashSet<>();
                for (Diagnostic d : checkDrl(path, table.drl())) {
                    located.add(inTable(d, table));
                }
                problems.addAll(located);
            } else {
                String text;
                try {
                    text = RulesetFiles.decode(path, bytes);
                } catch (RulesetException e) {
                    return; // not UTF-8: the compiler refuses it at its first bad byte, unread
                }
                problems.addAll(checkDrl(path, text));
            }
        });
        return List.copyOf(problems);
    }

    /** The refusals in one DRL text, located in it. */
    static List<Diagnostic> checkDrl(String path, String text) {
        FileCheck file = new FileCheck(path, text);
        file.unicodeEscapes();
        DrlParser parser = new DrlParser(LANGUAGE_LEVEL);
        PackageDescr pkg;
        try {
            pkg = parser.parse(false, text);
        } catch (DroolsParserException | RuntimeException e) {
            pkg = null;
        }
        if (pkg != null && !parser.hasErrors()) {
            file.pkg(pkg);
        }
        return file.problems;
    }

    private static Diagnostic inTable(Diagnostic d, DecisionTables.Generated table) {
        DecisionTables.Cell cell = table.cellOf(d.line());
        if (cell == null || cell.row() == 0) {
            return new Diagnostic(d.file(), 0, 0, d.severity(), d.message());
        }
        return new Diagnostic(d.file(), cell.row(), cell.column(), d.severity(), cell.label() + ": " + d.message());
    }

    // ================================================================== the fact model's vocabulary

    /** What a rule may read of the facts: property names, getter and query method names; computed once by reflection. */
    private record Vocabulary(Set<String> properties, Set<String> getters, Set<String> queries, Set<String> outcomes) {

        static final Vocabulary INSTANCE = build();

        boolean property(String name) {
            return !NEVER.contains(name) && (properties.contains(name) || JDK_PROPERTIES.contains(name));
        }

        boolean method(String name) {
            return !NEVER.contains(name)
                    && (getters.contains(name) || queries.contains(name) || JDK_METHODS.contains(name));
        }

        private static Vocabulary build() {
            Set<String> properties = new TreeSet<>();
            Set<String> getters = new TreeSet<>();
            Set<String> queries = new TreeSet<>();
            Deque<Class<?>> queue = new ArrayDeque<>(List.of(AssessmentRequest.class, SharingReviewRequest.class));
            queue.addAll(ENGINE_FACTS);
            Set<Class<?>> seen = new HashSet<>();
            while (!queue.isEmpty()) {
                Class<?> type = queue.poll();
                if (!seen.add(type)) {
                    continue;
                }
                for (Method m : type.getMethods()) {
                    if (Modifier.isStatic(m.getModifiers())
                            || !ours(m.getDeclaringClass())
                            || m.getReturnType() == void.class
                            || OBJECT_METHODS.contains(m.getName())) {
                        continue;
                    }
                    String name = m.getName();
                    String property = m.getParameterCount() == 0 ? propertyOf(name, m.getReturnType()) : null;
                    if (property != null) {
                        getters.add(name);
                        properties.add(property);
                        reachable(m.getGenericReturnType(), queue);
                    } else if (ENGINE_FACTS.contains(type)) {
                        queries.add(name);
                        reachable(m.getGenericReturnType(), queue);
                    }
                }
                for (Class<?> nested : type.getClasses()) {
                    queue.add(nested);
                }
            }
            Set<String> outcomes = new TreeSet<>();
            for (Method m : Outcomes.class.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                    outcomes.add(m.getName());
                }
            }
            return new Vocabulary(
                    Set.copyOf(properties), Set.copyOf(getters), Set.copyOf(queries), Set.copyOf(outcomes));
        }

        private static boolean ours(Class<?> type) {
            return type.getName().startsWith("io.kakunin.");
        }

        private static String propertyOf(String method, Class<?> returned) {
            if (method.startsWith("get") && method.length() > 3) {
                return decapitalize(method.substring(3));
            }
            if (method.startsWith("is")
                    && method.length() > 2
                    && (returned == boolean.class || returned == Boolean.class)) {
                return decapitalize(method.substring(2));
            }
            return null;
        }

        /** As JavaBeans does: {@code SecureBoot} is {@code secureBoot}, {@code URL} stays {@code URL}. */
        private static String decapitalize(String name) {
            if (name.length() > 1 && Character.isUpperCase(name.charAt(0)) && Character.isUpperCase(name.charAt(1))) {
                return name;
            }
            return Character.toLowerCase(name.charAt(0)) + name.substring(1);
        }

        private static void reachable(Type type, Deque<Class<?>> queue) {
            if (type instanceof Class<?> c) {
                Class<?> element = c.isArray() ? c.getComponentType() : c;
                if (ours(element)) {
                    queue.add(element);
                }
            } else if (type instanceof ParameterizedType p) {
                reachable(p.getRawType(), queue);
                for (Type argument : p.getActualTypeArguments()) {
                    reachable(argument, queue);
                }
            } else if (type instanceof GenericArrayType a) {
                reachable(a.getGenericComponentType(), queue);
            } else if (type instanceof WildcardType w) {
                for (Type bound : w.getUpperBounds()) {
                    reachable(bound, queue);
                }
            }
        }
    }

    /**
     * A name read as a fact that no fact of the request has, with the facts it was probably meant
     * to be: named as the API documentation names them (the schemas' JSON properties, which rules
     * use as they are).
     */
    private static Refusal notAFact(String name) {
        List<String> meant = NEVER.contains(name)
                ? List.of()
                : io.kakunin.kb.ruleset.NearestNames.of(name, Vocabulary.INSTANCE.properties(), 3);
        if (meant.isEmpty()) {
            return new Refusal(
                    "'" + name
                            + "' is not a fact of the request (the API documentation lists the facts of each schema)",
                    name);
        }
        List<String> quoted = meant.stream().map(m -> "'" + m + "'").toList();
        String either = quoted.size() == 1
                ? quoted.get(0)
                : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + quoted.get(quoted.size() - 1);
        return new Refusal("'" + name + "' is not a fact of the request: did you mean " + either + "?", name);
    }

    // ================================================================== imports and types

    /** Whether an import names the fact model, an engine fact, java.time or an allowed collection type. */
    static boolean allowedImport(String target) {
        if (target.endsWith(".*")) {
            String pkg = target.substring(0, target.length() - 2);
            return pkg.equals(FACT_MODEL_PACKAGE) || pkg.equals("java.time");
        }
        if (target.startsWith(FACT_MODEL_PACKAGE + ".")) {
            return qualifiedName(target.substring(FACT_MODEL_PACKAGE.length() + 1));
        }
        if (target.startsWith("java.time.")
                && qualifiedName(target.substring("java.time.".length()))
                && target.indexOf('.', "java.time.".length()) < 0) {
            return true;
        }
        return JDK_IMPORTS.contains(target)
                || target.equals(OUTCOMES_TYPE)
                || ENGINE_FACTS.stream().anyMatch(c -> c.getName().equals(target));
    }

    private static boolean qualifiedName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty()
                    || !Character.isJavaIdentifierStart(part.charAt(0))
                    || !part.chars().allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }

    /** Loads a class without initializing it (no code of it runs), or null. A nested class may be written with dots. */
    private static Class<?> load(String name) {
        String candidate = name;
        while (true) {
            try {
                return Class.forName(candidate, false, RuleLanguage.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                int dot = candidate.lastIndexOf('.');
                if (dot < 0) {
                    return null;
                }
                candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);
            }
        }
    }

    /** The types one file can name: its allowed imports, explicit and wildcard, and the implicit java.lang types. */
    private static final class Types {
        private final Map<String, String> explicit = new HashMap<>();
        private final List<String> wildcards = new ArrayList<>();
        private final Map<String, Optional<Class<?>>> resolved = new HashMap<>();

        void add(String target) {
            if (target.endsWith(".*")) {
                wildcards.add(target.substring(0, target.length() - 2));
            } else {
                explicit.put(target.substring(target.lastIndexOf('.') + 1), target);
            }
        }

        boolean imported(String simpleName) {
            return explicit.containsKey(simpleName);
        }

        /** The class a simple name stands for, or null when it names none of the allowed types. */
        Class<?> resolve(String simpleName) {
            return resolved.computeIfAbsent(simpleName, n -> {
                        if (explicit.containsKey(n)) {
                            return Optional.ofNullable(load(explicit.get(n)));
                        }
                        if (IMPLICIT_TYPES.contains(n)) {
                            return Optional.ofNullable(load("java.lang." + n));
                        }
                        if (!n.isEmpty() && Character.isUpperCase(n.charAt(0))) {
                            for (String pkg : wildcards) {
                                Class<?> c = load(pkg + "." + n);
                                if (c != null && c.getEnclosingClass() == null) {
                                    return Optional.of(c);
                                }
                            }
                        }
                        return Optional.empty();
                    })
                    .orElse(null);
        }
    }

    // ================================================================== one file

    /** A refusal inside an expression: the message, and the token of the text it is about (to find its column). */
    private static final class Refusal extends Exception {
        final String token;

        Refusal(String message, String token) {
            super(message, null, false, false);
            this.token = token;
        }
    }

    private static final class FileCheck {
        final String path;
        final String text;
        final int[] lineStarts;
        final List<Diagnostic> problems = new ArrayList<>();
        final Types types = new Types();
        /** Constraints parsed so far: each is read once for its bindings and once to be checked. */
        final Map<String, Optional<DrlxExpression>> parsed = new HashMap<>();

        FileCheck(String path, String text) {
            this.path = path;
            this.text = text;
            List<Integer> starts = new ArrayList<>();
            starts.add(0);
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    starts.add(i + 1);
                }
            }
            this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        }

        // ---------------------------------------------------------- locations

        void refuse(int line, int column, String message) {
            problems.add(
                    new Diagnostic(path, Math.max(line, 0), Math.max(column, 0), Diagnostic.Severity.ERROR, message));
        }

        /** A refusal at a 0-based character offset in the file. */
        void refuseAt(int offset, String message) {
            int line = lineOf(offset);
            refuse(line, offset - lineStarts[line - 1] + 1, message);
        }

        /** A refusal at a descriptor: Drools counts lines from 1 and columns from 0. */
        void refuseAt(BaseDescr descr, String message) {
            if (descr.getStartCharacter() >= 0 && descr.getStartCharacter() < text.length()) {
                refuseAt(descr.getStartCharacter(), message);
            } else {
                refuse(descr.getLine(), descr.getColumn() >= 0 ? descr.getColumn() + 1 : 0, message);
            }
        }

        /** A refusal at a token inside a descriptor's text, or at the descriptor when the token is not found. */
        void refuseIn(BaseDescr descr, String token, String message) {
            int at = find(descr.getStartCharacter(), descr.getEndCharacter(), token);
            if (at >= 0) {
                refuseAt(at, message);
            } else {
                refuseAt(descr, message);
            }
        }

        /** The offset of a token as a whole word between two offsets (the end inclusive, as Drools keeps it), or -1. */
        int find(int from, int to, String token) {
            if (token == null || token.isEmpty() || from < 0) {
                return -1;
            }
            int end = to < from ? text.length() : Math.min(text.length(), to + 1);
            for (int at = text.indexOf(token, from);
                    at >= 0 && at + token.length() <= end;
                    at = text.indexOf(token, at + 1)) {
                boolean wordStart = !Character.isJavaIdentifierPart(token.charAt(0))
                        || at == 0
                        || !Character.isJavaIdentifierPart(text.charAt(at - 1));
                int after = at + token.length();
                boolean wordEnd = !Character.isJavaIdentifierPart(token.charAt(token.length() - 1))
                        || after >= text.length()
                        || !Character.isJavaIdentifierPart(text.charAt(after));
                if (wordStart && wordEnd) {
                    return at;
                }
            }
            return -1;
        }

        int lineOf(int offset) {
            int low = 0, high = lineStarts.length - 1;
            while (low < high) {
                int mid = (low + high + 1) >>> 1;
                if (lineStarts[mid] <= offset) {
                    low = mid;
                } else {
                    high = mid - 1;
                }
            }
            return low + 1;
        }

        int offsetOfLine(int line) {
            return line >= 1 && line <= lineStarts.length ? lineStarts[line - 1] : 0;
        }

        /** A constraint as Drools' DRLX parser reads it, or null when it cannot. */
        DrlxExpression parseConstraint(String expression) {
            return parsed.computeIfAbsent(expression, text -> {
                        try {
                            return Optional.ofNullable(DrlxParser.parseExpression(DRLX, text));
                        } catch (RuntimeException e) {
                            return Optional.empty();
                        }
                    })
                    .orElse(null);
        }

        // ---------------------------------------------------------- unicode escapes

        /**
         * Java reads {@code \}{@code uXXXX} as the character it encodes before anything else, in
         * comments and strings too: {@code // \}{@code u000a Runtime…} is a comment to a reader and
         * to the Drools parser, and a line of code to the Java compiler. A backslash starts such an
         * escape when an even number of backslashes precede it (JLS 3.3).
         */
        void unicodeEscapes() {
            int backslashes = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\') {
                    if (backslashes % 2 == 0 && i + 1 < text.length() && text.charAt(i + 1) == 'u') {
                        refuseAt(
                                i,
                                "a Java unicode escape (\\u…) is not allowed in a rule file: the Java compiler reads it as code "
                                        + "wherever it stands, even in a comment or a string; write the character itself");
                    }
                    backslashes++;
                } else {
                    backslashes = 0;
                }
            }
        }

        // ---------------------------------------------------------- the package

        void pkg(PackageDescr pkg) {
            if (pkg.getUnit() != null) {
                refuseAt(pkg.getUnit(), "a rule unit is not allowed: rules work on the facts of one evaluation");
            }
            for (AttributeDescr attribute : pkg.getAttributes()) {
                attribute(attribute);
            }
            boolean outcomesImported = false;
            for (ImportDescr i : pkg.getImports()) {
                String target = i.getTarget() == null ? "" : i.getTarget().strip();
                if (allowedImport(target)) {
                    types.add(target);
                    outcomesImported |= target.equals(OUTCOMES_TYPE);
                } else {
                    refuseIn(
                            i,
                            target,
                            "import " + target + " is not allowed: a rule may import the fact model ("
                                    + FACT_MODEL_PACKAGE + ".*), the engine's facts (" + engineFactNames()
                                    + "), java.time.*, "
                                    + String.join(", ", new TreeSet<>(JDK_IMPORTS)));
                }
            }
            for (var i : pkg.getFunctionImports()) {
                refuseIn(
                        i,
                        i.getTarget(),
                        "import function (or import static) " + i.getTarget()
                                + " is not allowed: a rule cannot call functions");
            }
            for (var i : pkg.getAccumulateImports()) {
                refuseIn(
                        i,
                        i.getTarget(),
                        "import accumulate " + i.getTarget() + " is not allowed: accumulate may only use "
                                + String.join(", ", new TreeSet<>(ACCUMULATE_FUNCTIONS)));
            }
            for (GlobalDescr g : pkg.getGlobals()) {
                String type = g.getType() == null ? "" : g.getType().strip();
                boolean outcomesType = type.equals(OUTCOMES_TYPE) || (type.equals("Outcomes") && outcomesImported);
                if (!outcomesType || !OUTCOMES.equals(g.getIdentifier())) {
                    refuseAt(
                            g,
                            "global " + type + " " + g.getIdentifier() + " is not allowed: the only global is "
                                    + OUTCOMES_TYPE + " " + OUTCOMES);
                }
            }
            for (FunctionDescr f : pkg.getFunctions()) {
                refuseAt(
                        f,
                        "function " + f.getName() + " is not allowed: a rule decides with conditions on the facts "
                                + "and reports with outcomes; it cannot run code of its own");
            }
            for (BaseDescr d : pkg.getTypeDeclarations()) {
                refuseAt(
                        d,
                        "declare is not allowed: rules match the facts of the request and the engine; they cannot declare types");
            }
            for (BaseDescr d : pkg.getEnumDeclarations()) {
                refuseAt(d, "declare enum is not allowed: rules use the enums of the fact model");
            }
            for (BaseDescr d : pkg.getEntryPointDeclarations()) {
                refuseAt(d, "declare entry-point is not allowed");
            }
            for (BaseDescr d : pkg.getWindowDeclarations()) {
                refuseAt(d, "declare window is not allowed");
            }
            for (RuleDescr rule : pkg.getRules()) {
                rule(rule);
            }
        }

        private static String engineFactNames() {
            return String.join(
                    ", ",
                    ENGINE_FACTS.stream().map(Class::getSimpleName).sorted().toList());
        }

        void attribute(AttributeDescr attribute) {
            String name = attribute.getName();
            String value =
                    attribute.getValue() == null ? "" : attribute.getValue().strip();
            if (!ATTRIBUTES.contains(name)) {
                refuseAttribute(
                        attribute,
                        "the attribute " + name + " is not allowed; a rule may use "
                                + String.join(", ", new TreeSet<>(ATTRIBUTES)));
                return;
            }
            if (name.equals("salience") && isInteger(value)) {
                return; // a negative number is parsed as an expression
            }
            if (attribute.getType() == AttributeDescr.Type.EXPRESSION) {
                refuseAttribute(
                        attribute, "the attribute " + name + " may only have a literal value, not an expression");
                return;
            }
            switch (name) {
                case "salience" -> refuseAttribute(attribute, "salience may only be a whole number");
                case "dialect" -> {
                    if (!unquote(value).equals("java")) {
                        refuseAttribute(
                                attribute,
                                "dialect " + value
                                        + " is not allowed: conditions are checked, and then parts are read, as Java");
                    }
                }
                case "enabled", "no-loop", "lock-on-active", "auto-focus" -> {
                    if (!value.isEmpty() && !value.equals("true") && !value.equals("false")) {
                        refuseAttribute(attribute, name + " may only be true or false");
                    }
                }
                default -> {
                    // names and dates: literal text
                }
            }
        }

        /** At the attribute's name on its line: Drools places the descriptor at its value. */
        private void refuseAttribute(AttributeDescr attribute, String message) {
            int line = attribute.getLine();
            int from = line >= 1 ? offsetOfLine(line) : -1;
            int end = line >= 1 && line < lineStarts.length ? lineStarts[line] - 1 : text.length() - 1;
            int at = from >= 0 ? find(from, end, attribute.getName()) : -1;
            if (at >= 0) {
                refuseAt(at, message);
            } else {
                refuseAt(attribute, message);
            }
        }

        private static boolean isInteger(String value) {
            try {
                Integer.parseInt(value.replace(" ", ""));
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        private static String unquote(String value) {
            String v = value.strip();
            if (v.length() >= 2
                    && (v.charAt(0) == '"' || v.charAt(0) == '\'')
                    && v.charAt(v.length() - 1) == v.charAt(0)) {
                return v.substring(1, v.length() - 1);
            }
            return v;
        }

        // ---------------------------------------------------------- a rule

        void rule(RuleDescr rule) {
            if (rule.isQuery()) {
                refuseAt(
                        rule,
                        "query " + rule.getName() + " is not allowed: nothing in Kakunin runs queries; write a rule");
                return;
            }
            for (AttributeDescr attribute : rule.getAttributes().values()) {
                attribute(attribute);
            }
            annotations(rule, rule);
            Set<String> bound = new LinkedHashSet<>();
            bindings(rule.getLhs(), bound);
            if (rule.getLhs() != null) {
                for (BaseDescr d : rule.getLhs().getDescrs()) {
                    condition(d, bound);
                }
            }
            if (rule.getNamedConsequences() != null
                    && !rule.getNamedConsequences().isEmpty()) {
                refuseAt(
                        rule,
                        "named consequences (then[…], do[…], break[…]) are not allowed: a rule has one then part");
            }
            consequence(rule, bound);
        }

        /** Metadata such as {@code @recommendation("PS-4.2")}: simple names and literal values only. */
        void annotations(AnnotatedBaseDescr owner, BaseDescr where) {
            for (AnnotationDescr annotation : owner.getAnnotations()) {
                String name = annotation.getName();
                if (name == null || name.contains(".")) {
                    refuseIn(
                            where,
                            "@" + name,
                            "the annotation @" + name + " is not allowed: metadata have simple names");
                    continue;
                }
                for (Object value : annotation.getValueMap().values()) {
                    if (!(value instanceof String s) || !literal(s.strip())) {
                        refuseIn(
                                where,
                                "@" + name,
                                "@" + name + " may only hold a literal (\"text\", a number, true or false), not "
                                        + excerpt(String.valueOf(value)));
                    }
                }
            }
        }

        private static boolean literal(String value) {
            if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                String inner = value.substring(1, value.length() - 1);
                // one string literal: no unescaped quote inside
                for (int i = 0; i < inner.length(); i++) {
                    if (inner.charAt(i) == '\\') {
                        i++;
                    } else if (inner.charAt(i) == '"') {
                        return false;
                    }
                }
                return true;
            }
            if (value.equals("true") || value.equals("false")) {
                return true;
            }
            return !value.isEmpty()
                    && value.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == '-')
                    && Character.isDigit(value.charAt(value.length() - 1));
        }

        /** Every name a rule binds: pattern variables, bindings in constraints, accumulate results. */
        void bindings(BaseDescr descr, Set<String> bound) {
            if (descr == null) {
                return;
            }
            if (descr instanceof PatternDescr pattern) {
                if (pattern.getIdentifier() != null) {
                    bound.add(pattern.getIdentifier());
                }
                for (BaseDescr c : pattern.getDescrs()) {
                    if (c instanceof ExprConstraintDescr e) {
                        DrlxExpression parsed = parseConstraint(e.getExpression());
                        if (parsed != null && parsed.getBind() != null) {
                            bound.add(parsed.getBind().asString());
                        }
                    } else if (c instanceof BindingDescr b) {
                        bound.add(b.getVariable());
                    }
                }
                PatternSourceDescr source = pattern.getSource();
                if (source instanceof AccumulateDescr accumulate) {
                    for (AccumulateDescr.AccumulateFunctionCallDescr f : accumulate.getFunctions()) {
                        if (f.getBind() != null) {
                            bound.add(f.getBind());
                        }
                    }
                    bindings(accumulate.getInput(), bound);
                } else if (source instanceof CollectDescr collect) {
                    bindings(collect.getInputPattern(), bound);
                }
            } else if (descr instanceof AndDescr
                    || descr instanceof OrDescr
                    || descr instanceof NotDescr
                    || descr instanceof ExistsDescr
                    || descr instanceof ForallDescr) {
                for (Object child : ((org.drools.drl.ast.descr.ConditionalElementDescr) descr).getDescrs()) {
                    bindings((BaseDescr) child, bound);
                }
            }
        }

        // ---------------------------------------------------------- conditions

        void condition(BaseDescr descr, Set<String> bound) {
            if (descr instanceof PatternDescr pattern) {
                pattern(pattern, bound);
            } else if (descr instanceof AndDescr
                    || descr instanceof OrDescr
                    || descr instanceof NotDescr
                    || descr instanceof ExistsDescr
                    || descr instanceof ForallDescr) {
                for (Object child : ((org.drools.drl.ast.descr.ConditionalElementDescr) descr).getDescrs()) {
                    condition((BaseDescr) child, bound);
                }
            } else if (descr instanceof EvalDescr) {
                refuseIn(
                        descr,
                        "eval",
                        "eval is not allowed: write the condition as a constraint on a fact, such as Product( secureBoot == false )");
            } else if (descr instanceof ConditionalBranchDescr || descr instanceof NamedConsequenceDescr) {
                refuseAt(descr, "conditional branches (if … do[…], break[…]) are not allowed: write one rule per case");
            } else {
                refuseAt(descr, kind(descr) + " is not allowed in a condition");
            }
        }

        void pattern(PatternDescr pattern, Set<String> bound) {
            if (pattern.isQuery()) {
                refuseAt(pattern, "calling a query (?" + pattern.getObjectType() + ") is not allowed");
                return;
            }
            if (pattern.getBehaviors() != null && !pattern.getBehaviors().isEmpty()) {
                refuseIn(
                        pattern,
                        "over",
                        "sliding windows (over window:…) are not allowed: an evaluation has no event stream");
            }
            annotations(pattern, pattern);
            patternType(pattern);
            for (BaseDescr c : pattern.getDescrs()) {
                if (c instanceof ExprConstraintDescr e) {
                    constraint(e, e.getExpression(), bound);
                } else if (c instanceof BindingDescr b) {
                    constraint(b, b.getExpression(), bound);
                } else {
                    refuseAt(c, kind(c) + " is not allowed in a pattern");
                }
            }
            PatternSourceDescr source = pattern.getSource();
            if (source == null || source instanceof EntryPointDescr) {
                return;
            }
            if (source instanceof FromDescr from) {
                from(pattern, from, bound);
            } else if (source instanceof AccumulateDescr accumulate) {
                accumulate(accumulate, bound);
            } else if (source instanceof CollectDescr collect) {
                for (BaseDescr d : collect.getDescrs()) {
                    condition(d, bound);
                }
            } else {
                refuseIn(pattern, "from", kind(source) + " is not allowed as the source of a pattern");
            }
        }

        /** A pattern's type: an allowed type, or a simple name no allowed type has (a misspelling: the compiler says so). */
        void patternType(PatternDescr pattern) {
            String type = pattern.getObjectType();
            if (type == null || type.isBlank()) {
                return;
            }
            type = type.strip();
            int generic = type.indexOf('<');
            String raw = generic >= 0 ? type.substring(0, generic).strip() : type;
            if (generic >= 0 || raw.endsWith("[]")) {
                refuseIn(
                        pattern,
                        raw,
                        "the pattern type " + type + " is not allowed: match a fact type, such as Product( … )");
                return;
            }
            if (raw.contains(".")) {
                if (!allowedImport(raw)) {
                    refuseIn(
                            pattern,
                            raw,
                            "the type " + raw
                                    + " is not allowed: a pattern matches the fact model, the engine's facts, "
                                    + "java.time and collection types");
                }
                return;
            }
            // A simple name that no allowed import gives can only be a misspelt or unimported fact type:
            // matching on it runs nothing, and the compiler reports it.
        }

        /** {@code from $p.items}: a property path on a bound variable, nothing else. */
        void from(PatternDescr pattern, FromDescr from, Set<String> bound) {
            String expression = from.getDataSource() instanceof MVELExprDescr mvel ? mvel.getExpression() : null;
            int at = pattern.getStartCharacter() >= 0
                    ? find(pattern.getStartCharacter(), pattern.getEndCharacter(), "from")
                    : -1;
            if (expression == null) {
                refuseFrom(pattern, at, null, FROM_HINT);
                return;
            }
            DrlxExpression parsed = parseConstraint(expression);
            if (parsed == null || parsed.getBind() != null) {
                refuseFrom(pattern, at, null, FROM_HINT + "; " + excerpt(expression) + " is not");
                return;
            }
            try {
                fromPath(parsed.getExpr(), bound);
            } catch (Refusal r) {
                refuseFrom(pattern, at, r.token, FROM_HINT + "; " + r.getMessage());
            }
        }

        private void refuseFrom(PatternDescr pattern, int fromAt, String token, String message) {
            int at = token == null || fromAt < 0 ? -1 : find(fromAt, pattern.getEndCharacter(), token);
            if (at >= 0) {
                refuseAt(at, message);
            } else if (fromAt >= 0) {
                refuseAt(fromAt, message);
            } else {
                refuseAt(pattern, message);
            }
        }

        private void fromPath(Expression e, Set<String> bound) throws Refusal {
            if (e instanceof EnclosedExpr enclosed) {
                fromPath(enclosed.getInner(), bound);
            } else if (e instanceof NameExpr name) {
                String n = name.getNameAsString();
                if (!bound.contains(n)) {
                    throw new Refusal(n + " is not a bound variable", n);
                }
                if (name instanceof DrlNameExpr drl && drl.getBackReferencesCount() > 0) {
                    throw new Refusal("back references are not allowed", n);
                }
            } else if (e instanceof FieldAccessExpr field) {
                if (field.getTypeArguments().isPresent()) {
                    throw new Refusal("type arguments are not allowed", field.getNameAsString());
                }
                fromPath(field.getScope(), bound);
                String n = field.getNameAsString();
                if (!Vocabulary.INSTANCE.properties().contains(n) || NEVER.contains(n)) {
                    throw notAFact(n);
                }
            } else if (e instanceof NullSafeFieldAccessExpr field) {
                fromPath(field.getScope(), bound);
                String n = field.getNameAsString();
                if (!Vocabulary.INSTANCE.properties().contains(n) || NEVER.contains(n)) {
                    throw notAFact(n);
                }
            } else if (e instanceof MethodCallExpr call) {
                String n = call.getNameAsString();
                if (call.getScope().isEmpty()) {
                    throw new Refusal(n + "(…) is not a getter of a bound fact", n);
                }
                fromPath(call.getScope().get(), bound);
                if (!call.getArguments().isEmpty()
                        || call.getTypeArguments().isPresent()
                        || !Vocabulary.INSTANCE.getters().contains(n)
                        || NEVER.contains(n)) {
                    throw new Refusal(n + "(…) is not a getter of a bound fact", n);
                }
            } else {
                throw new Refusal(describe(e) + " is not", token(e));
            }
        }

        void accumulate(AccumulateDescr accumulate, Set<String> bound) {
            if (!accumulate.isExternalFunction()
                    || accumulate.getInitCode() != null
                    || accumulate.getActionCode() != null
                    || accumulate.getReverseCode() != null
                    || accumulate.getResultCode() != null) {
                refuseIn(
                        accumulate,
                        accumulate.getInitCode() != null ? "init" : "accumulate",
                        "accumulate with code (init, action, reverse, result) is not allowed: use one of the functions "
                                + String.join(", ", new TreeSet<>(ACCUMULATE_FUNCTIONS)));
            } else {
                for (AccumulateDescr.AccumulateFunctionCallDescr f : accumulate.getFunctions()) {
                    if (!ACCUMULATE_FUNCTIONS.contains(f.getFunction())) {
                        refuseIn(
                                accumulate,
                                f.getFunction(),
                                "the accumulate function " + f.getFunction() + " is not allowed: use one of "
                                        + String.join(", ", new TreeSet<>(ACCUMULATE_FUNCTIONS)));
                        continue;
                    }
                    for (String parameter : f.getParams() == null ? new String[0] : f.getParams()) {
                        constraint(accumulate, parameter, bound);
                    }
                }
            }
            BaseDescr input = accumulate.getInput();
            if (input != null) {
                condition(input, bound);
            }
        }

        // ---------------------------------------------------------- constraints

        /** One constraint (or accumulate argument), parsed as Drools parses it, checked as an expression. */
        void constraint(BaseDescr where, String expression, Set<String> bound) {
            if (expression == null || expression.isBlank()) {
                return;
            }
            DrlxExpression parsed = parseConstraint(expression);
            if (parsed == null) {
                refuseAt(
                        where,
                        "this condition cannot be checked (" + excerpt(expression) + "): write it with properties, "
                                + "operators and literals");
                return;
            }
            try {
                new Expressions(types, bound, false).value(parsed.getExpr());
            } catch (Refusal r) {
                refuseIn(where, r.token, r.getMessage());
            }
        }

        // ---------------------------------------------------------- the then part

        void consequence(RuleDescr rule, Set<String> bound) {
            Object consequence = rule.getConsequence();
            String code = consequence == null ? "" : consequence.toString();
            if (code.isBlank()) {
                return;
            }
            int start = consequenceStart(rule, code);
            ParseResult<BlockStmt> result = javaParser().parseBlock("{\n" + code + "\n}");
            if (!result.isSuccessful() || result.getResult().isEmpty()) {
                Problem problem = result.getProblems().isEmpty()
                        ? null
                        : result.getProblems().get(0);
                Position position = problem == null
                        ? null
                        : problem.getLocation()
                                .flatMap(l -> l.getBegin().getRange())
                                .map(r -> r.begin)
                                .orElse(null);
                String message = "the then part is not plain Java that can be checked: "
                        + (problem == null ? "it cannot be parsed" : firstLine(problem.getMessage()));
                refuseInConsequence(start, code, position, message);
                return;
            }
            Expressions expressions = new Expressions(types, bound, true);
            for (Statement statement : result.getResult().get().getStatements()) {
                if (statement instanceof EmptyStmt) {
                    continue;
                }
                Position position = statement.getBegin().orElse(null);
                if (!(statement instanceof ExpressionStmt es)
                        || !(es.getExpression() instanceof MethodCallExpr call)
                        || !isOutcomesCall(call)) {
                    refuseInConsequence(
                            start, code, position, THEN_HINT + "; " + describeStatement(statement) + " is not allowed");
                    continue;
                }
                for (Expression argument : call.getArguments()) {
                    try {
                        expressions.argument(argument);
                    } catch (Refusal r) {
                        refuseInConsequence(
                                start, code, argument.getBegin().orElse(position), THEN_HINT + "; " + r.getMessage());
                    }
                }
            }
        }

        private static boolean isOutcomesCall(MethodCallExpr call) {
            return call.getScope().isPresent()
                    && call.getScope().get() instanceof NameExpr scope
                    && scope.getNameAsString().equals(OUTCOMES)
                    && call.getTypeArguments().isEmpty()
                    && Vocabulary.INSTANCE.outcomes().contains(call.getNameAsString());
        }

        /** Where the consequence's text starts in the file: after {@code then}, on or after its line. */
        int consequenceStart(RuleDescr rule, String code) {
            int from = offsetOfLine(Math.max(rule.getConsequenceLine(), 1));
            int at = text.indexOf(code, from);
            if (at < 0) {
                at = text.indexOf(code.strip(), from);
            }
            if (at < 0) {
                int then = find(from, text.length(), "then");
                at = then >= 0 ? then : from;
            }
            return at;
        }

        /** A refusal at a position of the parsed block ({@code "{\n" + code}), mapped into the file. */
        void refuseInConsequence(int start, String code, Position position, String message) {
            if (position == null || position.line < 2) {
                refuseAt(start, message);
                return;
            }
            int line = position.line - 1; // the block's first line is the added brace
            int offset = 0;
            for (int l = 1; l < line; l++) {
                int newline = code.indexOf('\n', offset);
                if (newline < 0) {
                    break;
                }
                offset = newline + 1;
            }
            refuseAt(Math.min(text.length(), start + offset + position.column - 1), message);
        }

        private static String describeStatement(Statement statement) {
            if (statement instanceof ExpressionStmt es) {
                return excerpt(es.getExpression().toString());
            }
            String kind =
                    statement.getClass().getSimpleName().replace("Stmt", "").toLowerCase(Locale.ROOT);
            return "a " + kind + " statement (" + excerpt(statement.toString()) + ")";
        }
    }

    // ================================================================== expressions

    /**
     * Checks an expression of a constraint (as Drools' DRLX parser reads it) or an argument of an
     * outcomes call (as JavaParser reads it): literals, operators, bound variables, properties and
     * getters of the facts, allowed JDK methods, constants of imported types, allowed static calls.
     * Drools' own nodes do not list their children, so each kind is taken apart by hand; a kind not
     * listed here is refused.
     */
    private static final class Expressions {

        /** What a sub-expression denotes: a value, a type (for its constants and static calls), or a name nobody knows. */
        private sealed interface Term permits Value, TypeName, Unknown {}

        private record Value() implements Term {}

        private record TypeName(Class<?> type) implements Term {}

        private record Unknown(String name) implements Term {}

        private static final Value VALUE = new Value();

        private final Types types;
        private final Set<String> bound;
        private final boolean consequence;

        Expressions(Types types, Set<String> bound, boolean consequence) {
            this.types = types;
            this.bound = bound;
            this.consequence = consequence;
        }

        /** An argument of an outcomes call: a literal, drools, a bound variable, a getter chain or constant, or + of those. */
        void argument(Expression e) throws Refusal {
            if (e instanceof LiteralExpr) {
                return;
            }
            if (e instanceof EnclosedExpr enclosed) {
                argument(enclosed.getInner());
            } else if (e instanceof BinaryExpr binary && binary.getOperator() == BinaryExpr.Operator.PLUS) {
                argument(binary.getLeft());
                argument(binary.getRight());
            } else if (e instanceof NameExpr) {
                // drools, a bound variable, or a name the compiler will refuse: none of them runs anything
                return;
            } else if (e instanceof FieldAccessExpr || e instanceof MethodCallExpr) {
                term(e);
            } else {
                throw new Refusal(describe(e) + " is not allowed as an argument", token(e));
            }
        }

        /** A sub-expression used as a value (an operand or an argument). */
        void value(Expression e) throws Refusal {
            Term t = term(e);
            if (t instanceof TypeName type) {
                throw new Refusal(
                        "the type " + type.type().getSimpleName() + " is not a value",
                        type.type().getSimpleName());
            }
        }

        Term term(Expression e) throws Refusal {
            if (e instanceof LiteralExpr || e instanceof BigDecimalLiteralExpr || e instanceof BigIntegerLiteralExpr) {
                return VALUE;
            }
            if (e instanceof ThisExpr self) {
                if (self.getTypeName().isPresent() || consequence) {
                    throw new Refusal("this is not allowed here", "this");
                }
                return VALUE;
            }
            if (e instanceof EnclosedExpr enclosed) {
                value(enclosed.getInner());
                return VALUE;
            }
            if (e instanceof UnaryExpr unary) {
                switch (unary.getOperator()) {
                    case LOGICAL_COMPLEMENT, MINUS, PLUS, BITWISE_COMPLEMENT -> {
                        value(unary.getExpression());
                        return VALUE;
                    }
                    default ->
                        throw new Refusal(
                                "++ and -- change a value; a condition only reads", token(unary.getExpression()));
                }
            }
            if (e instanceof BinaryExpr binary) {
                value(binary.getLeft());
                value(binary.getRight());
                return VALUE;
            }
            if (e instanceof HalfBinaryExpr half) {
                value(half.getRight());
                return VALUE;
            }
            if (e instanceof ConditionalExpr conditional) {
                value(conditional.getCondition());
                value(conditional.getThenExpr());
                value(conditional.getElseExpr());
                return VALUE;
            }
            if (e instanceof PointFreeExpr pointFree) {
                operator(pointFree.getOperator().asString());
                value(pointFree.getLeft());
                values(pointFree.getRight());
                values(pointFree.getArg1(), pointFree.getArg2(), pointFree.getArg3(), pointFree.getArg4());
                return VALUE;
            }
            if (e instanceof HalfPointFreeExpr pointFree) {
                operator(pointFree.getOperator().asString());
                values(pointFree.getRight());
                values(pointFree.getArg1(), pointFree.getArg2(), pointFree.getArg3(), pointFree.getArg4());
                return VALUE;
            }
            if (e instanceof NameExpr name) {
                return name(name);
            }
            if (e instanceof FieldAccessExpr field) {
                if (field.getTypeArguments().isPresent()) {
                    throw new Refusal("type arguments are not allowed", field.getNameAsString());
                }
                return field(term(field.getScope()), field.getNameAsString());
            }
            if (e instanceof NullSafeFieldAccessExpr field) {
                Term scope = term(field.getScope());
                if (!(scope instanceof Value)) {
                    throw unknownScope(scope, field.getNameAsString());
                }
                return field(scope, field.getNameAsString());
            }
            if (e instanceof MethodCallExpr call) {
                if (call.getTypeArguments().isPresent()) {
                    throw new Refusal("type arguments are not allowed", call.getNameAsString());
                }
                return call(call.getScope().orElse(null), call.getNameAsString(), call.getArguments());
            }
            if (e instanceof NullSafeMethodCallExpr call) {
                if (call.getTypeArguments().isPresent()) {
                    throw new Refusal("type arguments are not allowed", call.getNameAsString());
                }
                return call(call.getScope().orElse(null), call.getNameAsString(), call.getArguments());
            }
            throw new Refusal(describe(e) + " is not allowed in a rule", token(e));
        }

        private void values(Collection<? extends Expression> expressions) throws Refusal {
            for (Expression x : expressions) {
                value(x);
            }
        }

        private void values(Expression... expressions) throws Refusal {
            for (Expression x : expressions) {
                if (x != null) {
                    value(x);
                }
            }
        }

        private static void operator(String operator) throws Refusal {
            int bracket = operator.indexOf('[');
            String name = bracket >= 0 ? operator.substring(0, bracket) : operator;
            if (!OPERATORS.contains(name)) {
                throw new Refusal("the operator " + name + " is not allowed", name);
            }
        }

        private Term name(NameExpr expression) throws Refusal {
            String n = expression.getNameAsString();
            if (expression instanceof DrlNameExpr drl && drl.getBackReferencesCount() > 0) {
                throw new Refusal("back references are not allowed", n);
            }
            if (NEVER.contains(n)) {
                throw new Refusal(n + " is not allowed", n);
            }
            boolean value = bound.contains(n) || (!consequence && Vocabulary.INSTANCE.property(n));
            Class<?> type = types.resolve(n);
            if (value && type != null) {
                throw new Refusal(n + " is both a variable or property and a type; rename the variable", n);
            }
            if (value) {
                return VALUE;
            }
            if (type != null) {
                return new TypeName(type);
            }
            return new Unknown(n);
        }

        private Term field(Term scope, String name) throws Refusal {
            if (NEVER.contains(name)) {
                throw new Refusal(name + " is not allowed", name);
            }
            if (scope instanceof TypeName typeName) {
                Class<?> type = typeName.type();
                for (Class<?> nested : type.getClasses()) {
                    if (nested.getSimpleName().equals(name)) {
                        return new TypeName(nested);
                    }
                }
                Field field = constant(type, name);
                if (field == null) {
                    throw new Refusal(name + " is not a constant of " + type.getSimpleName(), name);
                }
                return VALUE;
            }
            if (scope instanceof Value) {
                if (!Vocabulary.INSTANCE.property(name)) {
                    throw notAFact(name);
                }
                return VALUE;
            }
            throw unknownScope(scope, name);
        }

        /** A public static final field holding an enum constant, a primitive or a string: a value, not a door. */
        private static Field constant(Class<?> type, String name) {
            try {
                Field field = type.getField(name);
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers)
                        && Modifier.isFinal(modifiers)
                        && (field.isEnumConstant()
                                || field.getType().isPrimitive()
                                || field.getType() == String.class
                                || field.getType() == type)) {
                    return field;
                }
            } catch (NoSuchFieldException | SecurityException e) {
                // not a constant
            }
            return null;
        }

        private Term call(Expression scope, String name, List<Expression> arguments) throws Refusal {
            Term target = scope == null ? null : term(scope);
            if (NEVER.contains(name)) {
                throw new Refusal(name + "(…) is not allowed", name);
            }
            if (target instanceof TypeName typeName) {
                Set<String> allowed = STATIC_CALLS.getOrDefault(typeName.type().getName(), Set.of());
                boolean enumValues = typeName.type().isEnum() && name.equals("values") && arguments.isEmpty();
                if (!allowed.contains(name) && !enumValues) {
                    throw new Refusal(
                            "the static call " + typeName.type().getSimpleName() + "." + name + "(…) is not allowed"
                                    + staticCallsHint(),
                            name);
                }
            } else if (target instanceof Unknown unknown) {
                throw unknownScope(unknown, name);
            } else if (target == null && consequence) {
                throw new Refusal(name + "(…) is not allowed: call getters on a bound variable", name);
            } else if (!Vocabulary.INSTANCE.method(name)) {
                throw new Refusal(
                        name + "(…) is not a getter of the fact model or an allowed method (" + jdkHint() + ")", name);
            }
            for (Expression argument : arguments) {
                value(argument);
            }
            return VALUE;
        }

        private static Refusal unknownScope(Term scope, String member) {
            if (scope instanceof Unknown unknown) {
                return new Refusal(
                        unknown.name() + " is not a bound variable, a property of the fact model or an allowed type "
                                + "(a rule may not reach " + unknown.name() + "." + member + ")",
                        unknown.name());
            }
            return new Refusal(member + " is not allowed here", member);
        }

        private static String staticCallsHint() {
            List<String> calls = new ArrayList<>();
            STATIC_CALLS.forEach((type, methods) ->
                    methods.forEach(m -> calls.add(type.substring(type.lastIndexOf('.') + 1) + "." + m)));
            return "; the static calls allowed are " + String.join(", ", new TreeSet<>(calls))
                    + " and values() of an enum";
        }

        private static String jdkHint() {
            return "String, collection, java.time and number methods such as isBlank, contains, size, isBefore, plusDays";
        }
    }

    // ================================================================== parsing and wording

    /**
     * A whole constraint as Drools' DRLX parser reads it. Drools' own entry point stops at the end
     * of the longest expression it recognizes and ignores what follows ({@code name == "x"; code}
     * comes back as {@code name == "x"}), while the compiler reads all of it: here the expression
     * must end where the text ends. The parser class is package-private, so its next token is read
     * by reflection; if that ever fails, every constraint is refused, and the build's check of the
     * built-in rules says so.
     */
    private static final ParseStart<DrlxExpression> DRLX =
            wholeExpression(DrlxParser.buildDrlxParserWithArguments(OPERATORS));

    @SuppressWarnings("unchecked")
    private static ParseStart<DrlxExpression> wholeExpression(ParseStart<DrlxExpression> drlx) {
        return (ParseStart<DrlxExpression>) Proxy.newProxyInstance(
                RuleLanguage.class.getClassLoader(), new Class<?>[] {ParseStart.class}, (proxy, method, arguments) -> {
                    if (!method.getName().equals("parse")) {
                        return method.invoke(drlx, arguments);
                    }
                    Object parser = arguments[0];
                    Object expression;
                    try {
                        expression = method.invoke(drlx, parser);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    Method getToken = parser.getClass().getMethod("getToken", int.class);
                    getToken.setAccessible(true);
                    Token next = (Token) getToken.invoke(parser, 1);
                    if (next.kind != GeneratedMvelParserConstants.EOF) {
                        throw new org.drools.mvel.parser.ParseException("text after the expression: " + next.image);
                    }
                    return expression;
                });
    }

    private static JavaParser javaParser() {
        return new JavaParser(new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17));
    }

    /** What a kind of expression is, in words an officer reads. */
    private static String describe(Node e) {
        String kind = e.getClass().getSimpleName();
        return switch (kind) {
            case "ObjectCreationExpr" -> "creating an object (new …)";
            case "ArrayCreationExpr", "ArrayInitializerExpr" -> "creating an array";
            case "LambdaExpr" -> "a lambda";
            case "MethodReferenceExpr" -> "a method reference";
            case "ClassExpr" -> "a class literal";
            case "CastExpr", "InlineCastExpr", "FullyQualifiedInlineCastExpr" -> "a cast";
            case "AssignExpr" -> "an assignment";
            case "InstanceOfExpr" -> "instanceof";
            case "ArrayAccessExpr" -> "indexing ([…])";
            case "OOPathExpr" -> "an OOPath (/…)";
            case "ListCreationLiteralExpression", "MapCreationLiteralExpression" -> "an inline list or map";
            case "SwitchExpr" -> "a switch";
            case "SuperExpr" -> "super";
            case "TypeExpr" -> "a type";
            case "MethodCallExpr", "FieldAccessExpr", "NameExpr", "DrlNameExpr" -> "this expression";
            default -> kind.replace("Expr", "").replace("Expression", "").toLowerCase(Locale.ROOT);
        };
    }

    /** A word of the expression's text to find its column by; null when there is none. */
    private static String token(Node e) {
        String kind = e.getClass().getSimpleName();
        return switch (kind) {
            case "ObjectCreationExpr", "ArrayCreationExpr" -> "new";
            case "ClassExpr" -> "class";
            case "LambdaExpr" -> "->";
            case "MethodReferenceExpr" -> "::";
            case "InstanceOfExpr" -> "instanceof";
            case "SuperExpr" -> "super";
            default ->
                e instanceof com.github.javaparser.ast.nodeTypes.NodeWithSimpleName<?> named
                        ? named.getNameAsString()
                        : null;
        };
    }

    private static String kind(BaseDescr descr) {
        return descr.getClass().getSimpleName().replace("Descr", "").toLowerCase(Locale.ROOT);
    }

    private static String firstLine(String message) {
        String line = message == null ? "" : message.strip().lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }

    private static String excerpt(String code) {
        String oneLine = code.strip().replaceAll("\\s+", " ");
        return oneLine.length() > 80 ? oneLine.substring(0, 80) + "…" : oneLine;
    }
}
