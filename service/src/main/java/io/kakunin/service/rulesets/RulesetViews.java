package io.kakunin.service.rulesets;

import io.kakunin.api.model.RulesetDiagnostic;
import io.kakunin.kb.ruleset.Diagnostic;

/** Engine diagnostics as the contract shows them. */
final class RulesetViews {

    private RulesetViews() {}

    static RulesetDiagnostic diagnostic(Diagnostic d) {
        return new RulesetDiagnostic()
                .file(d.file())
                .line(d.line())
                .column(d.column())
                .severity(d.isError() ? RulesetDiagnostic.SeverityEnum.ERROR : RulesetDiagnostic.SeverityEnum.WARNING)
                .message(d.message());
    }
}
