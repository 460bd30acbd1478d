package io.kakunin.service.rulesets;

import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.RulesetFiles;
import org.springframework.stereotype.Component;

/**
 * Compiles a stored revision again, for re-evaluation. A bean of its own so that a test can
 * slow it down and show that nothing but re-evaluation waits for it.
 */
@Component
public class RevisionCompiler {

    public Ruleset compile(RulesetFiles files, String source) {
        return Ruleset.compile(files, source);
    }
}
