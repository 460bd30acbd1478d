package io.kakunin.kb;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.api.model.SharingReview;
import io.kakunin.kb.ruleset.DecisionTables;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.kb.ruleset.RuleInfo;
import io.kakunin.kb.ruleset.RulesetContent;
import io.kakunin.kb.ruleset.RulesetException;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.drools.drl.ast.descr.AnnotationDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;

/**
 * The texts of a ruleset revision, without its compiled rules: what re-rendering a stored
 * verdict in another language needs (the catalog, the message bundles, the thresholds they
 * quote, and each rule's {@code @reason}). Reading them takes milliseconds where compiling the
 * rules takes seconds, so a stored verdict is never made to wait for a compile.
 */
public final class RulesetTexts {

    private final RulesetContent content;
    private final VerdictAssembler assembler;
    private final JcStarChecklists jcStar;

    private RulesetTexts(RulesetContent content) {
        this.content = content;
        this.assembler = new VerdictAssembler(content);
        this.jcStar = new JcStarChecklists(content, assembler);
    }

    /** The texts of a compiled ruleset (nothing is read again). */
    public static RulesetTexts of(Ruleset ruleset) {
        return new RulesetTexts(ruleset.content());
    }

    /**
     * Reads the texts of a ruleset's files; rule metadata comes from parsing the rules, which
     * compiles nothing and runs nothing.
     *
     * @throws RulesetException when the files cannot be read as a ruleset
     */
    public static RulesetTexts read(RulesetFiles files, String source) {
        return new RulesetTexts(new RulesetContent(files, source, parseRules(files)));
    }

    public String revision() {
        return content.revision();
    }

    /** Rewrites the texts of a verdict of this revision in another language, in place. */
    public Assessment localize(Assessment verdict, Locale locale) {
        return assembler.localize(verdict, locale);
    }

    /**
     * The JC-STAR ★1 checklist of a verdict of this revision (see
     * {@link Ruleset#jcStar(AssessmentRequest, Assessment, Locale)}); the stored form of the
     * verdict serves, nothing is evaluated.
     *
     * @throws UnsupportedOperationException when the catalog has no ★1 scheme ({@link #hasJcStar()})
     */
    public JcStarChecklist jcStar(AssessmentRequest request, Assessment verdict, Locale locale) {
        return jcStar.checklist(request, verdict, locale);
    }

    /** Whether this revision's catalog has the JC-STAR ★1 scheme. */
    public boolean hasJcStar() {
        return jcStar.available();
    }

    /** Rewrites the texts of a sharing review of this revision in another language, in place. */
    public SharingReview localize(SharingReview review, Locale locale) {
        return assembler.localize(review, locale);
    }

    /** What each rule declares about itself, from the rule text (DRL, and the DRL each decision table stands for). */
    static Map<String, RuleInfo> parseRules(RulesetFiles files) {
        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        files.files().forEach((path, bytes) -> {
            String drl;
            if (path.endsWith(".drl")) {
                drl = new String(RulesetFiles.withoutBom(bytes), StandardCharsets.UTF_8);
            } else if (DecisionTables.isTable(path)) {
                drl = DecisionTables.compile(path, bytes).drl();
            } else {
                return;
            }
            PackageDescr pkg;
            try {
                pkg = new DrlParser().parse(false, drl);
            } catch (DroolsParserException e) {
                throw new RulesetException("the rules cannot be read", List.of(Diagnostic.error(path, e.getMessage())));
            }
            if (pkg == null) {
                throw new RulesetException(
                        "the rules cannot be read", List.of(Diagnostic.error(path, "the rules cannot be parsed")));
            }
            for (RuleDescr rule : pkg.getRules()) {
                rules.putIfAbsent(
                        rule.getName(),
                        new RuleInfo(
                                rule.getName(),
                                pkg.getName(),
                                value(rule, "recommendation"),
                                value(rule, "reason"),
                                value(rule, "remedy"),
                                value(rule, "effectiveFrom"),
                                path,
                                rule.getLine()));
            }
        });
        return Collections.unmodifiableMap(rules);
    }

    private static String value(RuleDescr rule, String name) {
        AnnotationDescr annotation = rule.getAnnotation(name);
        if (annotation == null || annotation.getValue() == null) {
            return null;
        }
        String text = annotation.getSingleValueAsString().strip();
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
                ? text.substring(1, text.length() - 1)
                : text;
    }
}
