package io.kakunin.service.web;

import io.kakunin.api.model.Problem;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.RuleInfo;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kie.api.runtime.rule.ConsequenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * A rule that fails at run time (a condition or an action that throws, say {@code substring(3)}
 * of a two-letter name) is a fault of the ruleset, not of the request: it passed validation
 * because no fixture reached it. It is reported as such, a 500 {@code evaluation-failed} that
 * names the rule and the revision, with one ERROR line in the log that carries neither the
 * request nor the exception's message (either could hold what was submitted).
 */
public final class EvaluationFailures {

    private static final Logger log = LoggerFactory.getLogger(EvaluationFailures.class);

    public static final String SLUG = "evaluation-failed";
    public static final String TITLE = "The ruleset failed while evaluating the request";

    /** How Drools names the rule of a condition that failed: {@code ... in [Rule "name" in file.drl]}. */
    private static final Pattern RULE_IN_MESSAGE = Pattern.compile("Rule \"([^\"]+)\"");

    private EvaluationFailures() {}

    /** What failed, said without any of the request. */
    public record Failure(String rule, String recommendationId, String location, String revision, String error) {

        /** The explanation the caller gets. */
        public String detail() {
            if (rule == null) {
                return "Evaluating this request under ruleset revision " + revision + " failed (" + error
                        + "). This is a fault of "
                        + "the service, not of the request: nothing was stored, and the failure is logged.";
            }
            String where = recommendationId == null && location == null
                    ? ""
                    : " (" + (recommendationId == null ? "" : recommendationId)
                            + (recommendationId != null && location != null ? ", " : "")
                            + (location == null ? "" : location) + ")";
            return "Rule '" + rule + "'" + where + " of ruleset revision " + revision
                    + " failed while evaluating this request ("
                    + error
                    + "). This is a fault of the ruleset, not of the request: nothing was stored, the failure is logged, and "
                    + "the rule must be fixed by a rule administrator.";
        }

        /** The problem a single request is answered with; {@code rule} and {@code revision} are members of the contract's Problem. */
        public ApiProblem problem() {
            ApiProblem problem = new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, SLUG, TITLE, detail())
                    .with(Problem.JSON_PROPERTY_REVISION, revision);
            if (rule != null) {
                problem.with(Problem.JSON_PROPERTY_RULE, rule);
            }
            return problem;
        }
    }

    /**
     * Names the failure of {@code ruleset} on {@code operation} and logs it once, at ERROR.
     *
     * @param operation what was being done, for the log ({@code POST /v1/assessments}, {@code batch line 7})
     */
    public static Failure of(Ruleset ruleset, RuntimeException e, String operation) {
        String rule = ruleOf(ruleset, e).orElse(null);
        Optional<RuleInfo> info = rule == null ? Optional.empty() : ruleset.rule(rule);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // Where it threw: the first frame in the rules' own code if there is one, else the top frame.
        String rules = info.map(RuleInfo::packageName).orElse("io.kakunin.rules");
        StackTraceElement at = java.util.Arrays.stream(root.getStackTrace())
                .filter(f -> f.getClassName().startsWith(rules))
                .findFirst()
                .orElse(root.getStackTrace().length == 0 ? null : root.getStackTrace()[0]);
        Failure failure = new Failure(
                rule,
                info.map(RuleInfo::recommendationId).orElse(null),
                info.filter(i -> i.file() != null)
                        .map(i -> i.file() + (i.line() > 0 ? ":" + i.line() : ""))
                        .orElse(null),
                ruleset.revision(),
                root.getClass().getName());
        log.error(
                "Evaluation failed on {}: rule '{}'{} of ruleset revision {} threw {}{}; nothing was stored",
                operation,
                rule == null ? "(unknown)" : rule,
                failure.location() == null ? "" : " at " + failure.location(),
                ruleset.revision(),
                failure.error(),
                at == null ? "" : " at " + at);
        return failure;
    }

    private static Optional<String> ruleOf(Ruleset ruleset, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConsequenceException consequence && consequence.getRule() != null) {
                return Optional.of(consequence.getRule().getName());
            }
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String message = c.getMessage();
            if (message == null) {
                continue;
            }
            Matcher m = RULE_IN_MESSAGE.matcher(message);
            while (m.find()) {
                if (ruleset.rule(m.group(1)).isPresent()) {
                    return Optional.of(m.group(1));
                }
            }
        }
        return Optional.empty();
    }
}
