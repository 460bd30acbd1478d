package io.kakunin.service.rulesets;

import io.kakunin.api.RulesetsApi;
import io.kakunin.api.model.Ruleset;

import java.time.ZoneOffset;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class RulesetsController implements RulesetsApi {

    private final ActiveRuleset active;

    RulesetsController(ActiveRuleset active) {
        this.active = active;
    }

    @Override
    public ResponseEntity<Ruleset> getActiveRuleset() {
        ActiveRuleset.Activation activation = active.current();
        io.kakunin.kb.Ruleset ruleset = activation.ruleset();
        return ResponseEntity.ok(new Ruleset()
                .revision(ruleset.revision())
                .version(ruleset.version())
                .source(ruleset.source())
                .activatedAt(activation.activatedAt().atOffset(ZoneOffset.UTC))
                .ruleCount(ruleset.rules().size())
                .recommendationCount(ruleset.catalog().entries().size())
                .files(ruleset.files().files().keySet().stream().toList()));
    }
}
