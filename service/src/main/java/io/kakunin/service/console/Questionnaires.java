package io.kakunin.service.console;

import io.kakunin.kb.Ruleset;
import io.swagger.v3.oas.models.OpenAPI;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * The questionnaire of a ruleset, built once per revision rather than on every page: it walks the
 * whole catalog and the contract's request schemas, which change only when a ruleset is activated.
 */
@Component
class Questionnaires {

    private record Built(String revision, Questionnaire questionnaire) {}

    private final OpenAPI contract;
    private final AtomicReference<Built> last = new AtomicReference<>();

    Questionnaires(OpenAPI contract) {
        this.contract = contract;
    }

    /** The questionnaire of this ruleset: the one built last when the revision is the same. */
    Questionnaire of(Ruleset ruleset) {
        Built built = last.get();
        if (built == null || !built.revision().equals(ruleset.revision())) {
            built = new Built(ruleset.revision(), Questionnaire.of(ruleset, contract));
            last.set(built);
        }
        return built.questionnaire();
    }
}
