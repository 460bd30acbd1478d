package io.kakunin.service.rulesets;

import io.kakunin.api.model.Role;
import io.kakunin.api.model.RulesetDiagnostic;
import io.kakunin.api.model.RulesetEvent;
import io.kakunin.kb.input.Json;
import io.kakunin.kb.ruleset.Diagnostic;
import io.kakunin.service.security.Caller;

/** Rulesets as the contract shows them, and to whom. */
final class RulesetViews {

    private RulesetViews() {}

    /**
     * Whether a caller may learn where the rules lie on the server: only those who manage them.
     * Everyone else sees the operator's label ({@code source}) and the revision.
     */
    static boolean showsPaths(Caller caller) {
        return caller.has(Role.RULE_ADMIN);
    }

    /** An event as a caller sees it: without its server path unless {@link #showsPaths} (a copy; events are shared). */
    static RulesetEvent event(RulesetEvent event, boolean paths) {
        if (paths || event.getPath() == null) {
            return event;
        }
        // Copied through JSON, so that a field added to the contract is never left out.
        RulesetEvent shown = Json.mapper().treeToValue(Json.mapper().valueToTree(event), RulesetEvent.class);
        shown.setPath(null);
        // A directory that could not be read is reported with the reader's message, which names it.
        for (RulesetDiagnostic d : shown.getDiagnostics()) {
            String message = d.getMessage();
            for (String part : java.util.Arrays.stream(event.getPath().split(" -> "))
                    .sorted(java.util.Comparator.comparingInt(String::length).reversed())
                    .toList()) {
                message = message.replace(part, "<" + event.getSource() + ">");
            }
            d.setMessage(message);
        }
        return shown;
    }

    static RulesetDiagnostic diagnostic(Diagnostic d) {
        return new RulesetDiagnostic()
                .file(d.file())
                .line(d.line())
                .column(d.column())
                .severity(d.isError() ? RulesetDiagnostic.SeverityEnum.ERROR : RulesetDiagnostic.SeverityEnum.WARNING)
                .message(d.message());
    }
}
