package io.kakunin.service.rulesets;

import io.kakunin.api.RulesetsApi;
import io.kakunin.api.model.Problem;
import io.kakunin.api.model.Ruleset;
import io.kakunin.api.model.RulesetEvent;
import io.kakunin.api.model.RulesetEventList;
import io.kakunin.api.model.RulesetEventOutcome;
import io.kakunin.api.model.RulesetFileContent;
import io.kakunin.api.model.RulesetTrigger;
import io.kakunin.api.model.RulesetUpload;
import io.kakunin.api.model.ValidationBase;
import io.kakunin.api.model.ValidationReport;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.Verification;
import io.kakunin.kb.ruleset.RulesetFiles;
import io.kakunin.service.security.Caller;
import io.kakunin.service.web.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class RulesetsController implements RulesetsApi {

    /** How long a reload request waits for the decision; a compile takes seconds. */
    private static final long RELOAD_WAIT_SECONDS = 300;

    private final ActiveRuleset active;
    private final RulesetPublisher publisher;
    private final RulesetHistory history;
    private final RulesetCandidates candidates;

    RulesetsController(
            ActiveRuleset active, RulesetPublisher publisher, RulesetHistory history, RulesetCandidates candidates) {
        this.active = active;
        this.publisher = publisher;
        this.history = history;
        this.candidates = candidates;
    }

    @Override
    public ResponseEntity<Ruleset> getActiveRuleset() {
        return ResponseEntity.ok(history.active(Caller.current()));
    }

    @Override
    public ResponseEntity<RulesetEventList> listRulesetEvents(Integer limit, String cursor) {
        return ResponseEntity.ok(history.events(limit, cursor, Caller.current()));
    }

    @Override
    public ResponseEntity<RulesetEvent> reloadRuleset() {
        if (publisher.directory() == null) {
            throw ApiProblem.conflict(
                    "no-rules-directory",
                    "There is no rules directory to load",
                    "This service serves its built-in ruleset; start it with kakunin.rules.path to serve a rules directory.");
        }
        RulesetEvent event;
        try {
            event = publisher.reload(RulesetTrigger.RELOAD).get(RELOAD_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiProblem.busy("The reload was interrupted; the active ruleset keeps serving.", 5);
        } catch (TimeoutException e) {
            throw ApiProblem.busy("The reload is still running; see GET /v1/rulesets for its outcome.", 30);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reloading the rules directory failed", e.getCause());
        }
        if (event.getOutcome() == RulesetEventOutcome.REFUSED) {
            throw new ApiProblem(
                            HttpStatus.UNPROCESSABLE_CONTENT,
                            "ruleset-refused",
                            "The ruleset was refused",
                            "The ruleset in " + event.getPath() + " has " + event.getErrorCount() + " error"
                                    + (event.getErrorCount() == 1 ? "" : "s")
                                    + "; revision " + active.ruleset().revision() + " keeps serving. First: "
                                    + RulesetPublisher.format(
                                            event.getDiagnostics().get(0)))
                    .with(Problem.JSON_PROPERTY_REVISION, event.getRevision())
                    .with(Problem.JSON_PROPERTY_EVENT_ID, event.getId())
                    .with(Problem.JSON_PROPERTY_DIAGNOSTICS, event.getDiagnostics());
        }
        return ResponseEntity.ok(event);
    }

    @Override
    public ResponseEntity<ValidationReport> validateRuleset(RulesetUpload upload) {
        return ResponseEntity.ok(candidates.check(candidates.read(upload)).report());
    }

    /**
     * Reads an upload of rule files (of validation, and of the impact preview's candidate, through
     * {@link RulesetCandidates#read}): the files laid over the active ruleset's with
     * {@code base: ACTIVE}, each path checked; a wrong one is a 400 naming it.
     */
    static RulesetCandidates.Candidate read(RulesetUpload upload, ActiveRuleset.Activation activation) {
        Map<String, byte[]> rules = new TreeMap<>();
        Map<String, byte[]> fixtures = new TreeMap<>();
        if (upload.getBase() == null || upload.getBase() == ValidationBase.ACTIVE) {
            rules.putAll(activation.ruleset().files().files());
            for (FixtureCase c : activation.fixtures()) {
                fixtures.put(c.name() + "/request.json", c.request());
                fixtures.put(c.name() + "/expected.json", c.expected());
                if (c.expectedJcStar() != null) {
                    fixtures.put(c.name() + "/" + FixtureCase.EXPECTED_JC_STAR, c.expectedJcStar());
                }
                if (c.waivers() != null) {
                    fixtures.put(c.name() + "/" + FixtureCase.WAIVERS, c.waivers());
                }
                if (c.settings() != null) {
                    fixtures.put(c.name() + "/" + FixtureCase.SETTINGS, c.settings());
                }
            }
        }
        java.util.Set<String> given = new java.util.HashSet<>();
        List<RulesetFileContent> files = upload.getFiles();
        for (int i = 0; i < files.size(); i++) {
            RulesetFileContent file = files.get(i);
            String path = file.getPath();
            String pointer = "/files/" + i;
            if (!given.add(path)) {
                throw ApiProblem.invalid(pointer + "/path", "'" + path + "' is given twice");
            }
            for (String segment : path.split("/")) {
                if (segment.equals(".") || segment.equals("..")) {
                    throw ApiProblem.invalid(
                            pointer + "/path", "a path in the ruleset cannot contain '.' or '..' segments");
                }
            }
            byte[] content = content(file, pointer);
            if (path.startsWith("fixtures/")) {
                String rest = path.substring("fixtures/".length());
                if (!rest.endsWith("/request.json")
                        && !rest.endsWith("/expected.json")
                        && !rest.endsWith("/" + FixtureCase.EXPECTED_JC_STAR)
                        && !rest.endsWith("/" + FixtureCase.WAIVERS)
                        && !rest.endsWith("/" + FixtureCase.SETTINGS)) {
                    throw ApiProblem.invalid(
                            pointer + "/path",
                            "a fixture file is fixtures/<topic>/<case>/request.json, expected.json, "
                                    + FixtureCase.EXPECTED_JC_STAR + ", " + FixtureCase.WAIVERS + " or "
                                    + FixtureCase.SETTINGS);
                }
                fixtures.put(rest, content);
            } else if (RulesetFiles.isRulesetFile(path)) {
                rules.put(path, content);
            } else {
                throw ApiProblem.invalid(
                        pointer + "/path",
                        "'" + path + "' is not a ruleset file: expected *.drl, *.drl.csv, *.drl.xlsx, "
                                + "*.drl.xls, catalog.yaml, thresholds.properties, messages_<lang>.properties or a fixture under fixtures/");
            }
        }
        return new RulesetCandidates.Candidate(RulesetFiles.of(rules), FixtureCase.scan(fixtures));
    }

    /** What validating a candidate found, as validation answers it. */
    static ValidationReport report(Verification verification, String revision) {
        io.kakunin.kb.Ruleset ruleset = verification.ruleset();
        ValidationReport report = new ValidationReport()
                .valid(verification.accepted())
                .revision(revision)
                .errorCount((int) verification.errorCount())
                .diagnostics(verification.diagnostics().stream()
                        .map(RulesetViews::diagnostic)
                        .toList());
        if (ruleset != null) {
            report.ruleCount(ruleset.rules().size())
                    .recommendationCount(ruleset.catalog().entries().size());
        }
        if (verification.fixtures() != null) {
            report.fixtureCount(verification.fixtures().cases().size())
                    .failedFixtureCount((int) verification.fixtures().cases().stream()
                            .filter(c -> !c.passed())
                            .count());
        } else {
            report.fixtureCount(0).failedFixtureCount(0);
        }
        return report;
    }

    private static byte[] content(RulesetFileContent file, String pointer) {
        if (file.getEncoding() == RulesetFileContent.EncodingEnum.BASE64) {
            try {
                // Line breaks (as base64 tools wrap) are allowed; anything else outside the alphabet is an error.
                return Base64.getDecoder().decode(file.getContent().replaceAll("[\\r\\n\\t ]", ""));
            } catch (IllegalArgumentException e) {
                throw ApiProblem.invalid(pointer + "/content", "is not valid base64: " + e.getMessage());
            }
        }
        return file.getContent().getBytes(StandardCharsets.UTF_8);
    }
}
