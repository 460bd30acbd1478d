package io.kakunin.kb;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.kb.compile.DrlCompiler;
import io.kakunin.kb.input.PointerIndex;
import io.kakunin.kb.ruleset.RulesetContent;
import io.kakunin.kb.ruleset.RulesetException;
import io.kakunin.kb.ruleset.RulesetFiles;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.kie.api.KieBase;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionsPool;

/**
 * One rule file of a ruleset compiled on its own (with the catalog, texts and thresholds, and no
 * other rule file) and fired on an assessment request exactly as an evaluation fires the whole
 * ruleset: the same facts inserted, the same pooled sessions, no verdict assembled. What the
 * per-file engine benchmark measures (docs/performance.md): which rule file the network's cost
 * comes from. Not used by the service.
 */
public final class RuleFileProbe {

    private final String ruleFile;
    private final RulesetContent content;
    private final KieSessionsPool sessions;

    private RuleFileProbe(String ruleFile, RulesetContent content, KieBase kieBase) {
        this.ruleFile = ruleFile;
        this.content = content;
        this.sessions = kieBase.newKieSessionsPool(1);
    }

    /**
     * Compiles one rule file of a ruleset from its DRL text, as a reload compiles a rules directory.
     *
     * @param ruleFile the file's path in the ruleset, such as {@code product/verification.drl}
     * @throws RulesetException when the file is not in the ruleset or does not compile on its own
     */
    public static RuleFileProbe compile(RulesetFiles files, String ruleFile) {
        if (files.file(ruleFile).isEmpty()) {
            throw new RulesetException("no rule file " + ruleFile + " in the ruleset", java.util.List.of());
        }
        Map<String, byte[]> alone = new TreeMap<>();
        files.files().forEach((path, bytes) -> {
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (path.equals(ruleFile) || !RulesetFiles.isRuleFile(name)) {
                alone.put(path, bytes);
            }
        });
        RulesetFiles only = RulesetFiles.of(alone);
        DrlCompiler.Result result = DrlCompiler.compile(only);
        if (result.kieBase() == null) {
            throw new RulesetException(ruleFile + " does not compile on its own", result.diagnostics());
        }
        RulesetContent content =
                new RulesetContent(only, "probe:" + ruleFile, Ruleset.indexRules(result.kieBase(), only));
        return new RuleFileProbe(ruleFile, content, result.kieBase());
    }

    /** The file's path in the ruleset. */
    public String ruleFile() {
        return ruleFile;
    }

    /** How many rules the file holds. */
    public int rules() {
        return content.rules().size();
    }

    /**
     * Fires the file's rules on a request (its assessment date, or today) and returns how many
     * (recommendation, subject) findings they reported.
     */
    public int fire(AssessmentRequest request) {
        PointerIndex index = new PointerIndex(request);
        LocalDate date = request.getAssessmentDate() != null ? request.getAssessmentDate() : LocalDate.now();
        Outcomes outcomes = new Outcomes(index, content.rules());
        KieSession session = sessions.newKieSession();
        try {
            Ruleset.fire(session, outcomes, request, new Evaluation(date, content.thresholds(), content.catalog()));
        } finally {
            session.dispose();
        }
        return outcomes.findings().size();
    }
}
