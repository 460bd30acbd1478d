package io.kakunin.service.console;

import io.kakunin.api.model.ImpactPreview;
import io.kakunin.api.model.ImpactPreviewState;
import io.kakunin.api.model.RulesetDiagnostic;
import io.kakunin.api.model.RulesetFileContent;
import io.kakunin.api.model.RulesetUpload;
import io.kakunin.api.model.ValidationReport;
import io.kakunin.kb.fixtures.FixtureSuite;
import io.kakunin.service.assessments.Assessments;
import io.kakunin.service.impact.ImpactJobs;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.rulesets.RulesetCandidates;
import io.kakunin.service.security.Caller;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.FieldProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.util.WebUtils;

/**
 * Validation of changed rule files and the impact preview of the candidate they make, for the rule
 * administrator. The upload is read and checked by {@link RulesetCandidates#read} and
 * {@link RulesetCandidates#check}, the calls {@code POST /v1/rulesets/validate} makes, so a page
 * accepts and refuses exactly what the API does, with the API's field messages. The files of a
 * candidate that compiled stay in the session (the latest one only) until its impact preview is
 * started through {@link ImpactJobs}, the service {@code POST /v1/rulesets/impact} starts it with.
 */
@Controller
class RulesetValidationPagesController {

    /** How many file rows the upload form offers. */
    static final int ROWS = 5;

    /** Lines shown on either side of a diagnostic's line. */
    private static final int CONTEXT = 3;

    /** The session attribute holding the latest candidate that compiled. */
    private static final String CANDIDATE = RulesetValidationPagesController.class.getName() + ".candidate";

    private static final Pattern ROW = Pattern.compile("^/files/(\\d+)/");

    private final RulesetCandidates candidates;
    private final ImpactJobs jobs;
    private final ActiveRuleset active;

    RulesetValidationPagesController(RulesetCandidates candidates, ImpactJobs jobs, ActiveRuleset active) {
        this.candidates = candidates;
        this.jobs = jobs;
        this.active = active;
    }

    /** The files a candidate that compiled is made of, by path, base64 (as the API's form carries them). */
    record Upload(String token, LinkedHashMap<String, String> files) implements Serializable {}

    /** One file row of the form: the path typed and the field message the API gave it, if any. */
    public record Row(int index, String path, String problem) {}

    /** A line of an uploaded file shown beside a diagnostic; {@code marked} for the line it names. */
    public record Line(int number, String text, boolean marked) {}

    /** A diagnostic, with the uploaded lines around it when it is in an uploaded text file. */
    public record Diagnostic(RulesetDiagnostic diagnostic, List<Line> context) {}

    /** One fixture of the run. */
    public record Fixture(String name, boolean passed, int mismatches) {}

    @GetMapping("/console/rulesets/validate")
    String form(@RequestParam(required = false) String expired, Model model) {
        model.addAttribute("rows", rows(List.of(), Map.of()));
        model.addAttribute("problems", List.of());
        model.addAttribute("expired", expired != null);
        return form(model);
    }

    @PostMapping("/console/rulesets/validate")
    String validate(HttpServletRequest sent, HttpSession session, Model model) throws IOException {
        MultipartHttpServletRequest request = WebUtils.getNativeRequest(sent, MultipartHttpServletRequest.class);
        if (request == null) {
            // Not the form's multipart body: refused as the API's form reader refuses an upload without a file.
            return refused(List.of(), Map.of(), List.of(new FieldProblem("files", "give at least one file")), model);
        }
        // Each row is named by its number (path0 and file0, ...): a browser sends a row's empty
        // file input too, but a part without a file must not shift the rows after it.
        List<String> named = new ArrayList<>();
        while (request.getParameter("path" + named.size()) != null) {
            named.add(request.getParameter("path" + named.size()));
        }
        RulesetUpload upload = new RulesetUpload().files(new ArrayList<>());
        List<Integer> rowOf = new ArrayList<>();
        Map<String, byte[]> uploaded = new HashMap<>();
        for (int i = 0; i < named.size(); i++) {
            MultipartFile file = request.getFile("file" + i);
            String path = named.get(i).strip().replace('\\', '/');
            boolean hasFile = file != null && !file.isEmpty();
            if (!hasFile && path.isEmpty()) {
                continue;
            }
            byte[] content = hasFile ? file.getBytes() : new byte[0];
            upload.getFiles()
                    .add(new RulesetFileContent()
                            .path(path)
                            .content(Base64.getEncoder().encodeToString(content))
                            .encoding(RulesetFileContent.EncodingEnum.BASE64));
            rowOf.add(i);
            uploaded.put(path, content);
        }
        List<String> typed = new ArrayList<>(named);
        if (upload.getFiles().isEmpty()) {
            // The API's own answer to an upload without a file (its form reader's).
            return refused(typed, Map.of(), List.of(new FieldProblem("files", "give at least one file")), model);
        }
        RulesetCandidates.Candidate candidate;
        try {
            candidate = candidates.read(upload);
        } catch (ApiProblem problem) {
            if (problem.status().value() != 400) {
                throw problem;
            }
            Map<Integer, String> byRow = new HashMap<>();
            List<FieldProblem> general = new ArrayList<>();
            for (FieldProblem field : fields(problem)) {
                Matcher m = ROW.matcher(field.pointer());
                if (m.find() && Integer.parseInt(m.group(1)) < rowOf.size()) {
                    byRow.put(rowOf.get(Integer.parseInt(m.group(1))), field.detail());
                } else {
                    general.add(field);
                }
            }
            return refused(typed, byRow, general, model);
        }
        RulesetCandidates.Checked checked = candidates.check(candidate);
        ValidationReport report = checked.report();
        model.addAttribute("report", report);
        model.addAttribute(
                "diagnostics",
                report.getDiagnostics().stream()
                        .map(d -> new Diagnostic(d, context(uploaded.get(d.getFile()), d.getLine())))
                        .toList());
        FixtureSuite.Report run = checked.fixtures();
        model.addAttribute(
                "fixtures",
                run == null
                        ? List.of()
                        : run.cases().stream()
                                .map(c -> new Fixture(
                                        c.fixture().name(),
                                        c.passed(),
                                        c.mismatches().size()))
                                .toList());
        model.addAttribute("coverage", run == null ? null : Math.floor(run.coveragePercent() * 10) / 10);
        model.addAttribute(
                "uploaded",
                upload.getFiles().stream().map(RulesetFileContent::getPath).toList());
        // A candidate that compiles may be previewed even when fixtures fail: a change of outcome
        // fails the fixtures that expected the old one, and the preview shows whom else it moves
        // (the API's preview runs such a candidate too).
        if (checked.ruleset() != null) {
            LinkedHashMap<String, String> kept = new LinkedHashMap<>();
            upload.getFiles().forEach(f -> kept.put(f.getPath(), f.getContent()));
            Upload stored = new Upload(UUID.randomUUID().toString(), kept);
            session.setAttribute(CANDIDATE, stored);
            model.addAttribute("token", stored.token());
        }
        return "console/ruleset-validation";
    }

    @PostMapping("/console/rulesets/impact")
    String startImpact(@RequestParam String token, HttpSession session) {
        if (!(session.getAttribute(CANDIDATE) instanceof Upload stored)
                || !stored.token().equals(token)) {
            return "redirect:/console/rulesets/validate?expired";
        }
        RulesetUpload upload = new RulesetUpload().files(new ArrayList<>());
        stored.files()
                .forEach((path, content) -> upload.getFiles()
                        .add(new RulesetFileContent()
                                .path(path)
                                .content(content)
                                .encoding(RulesetFileContent.EncodingEnum.BASE64)));
        ImpactPreview job = jobs.start(
                new ImpactJobs.Source(candidates.read(upload), null),
                new Assessments.Filter(null, null, null, null, null, null, null),
                Caller.current().id());
        return "redirect:/console/rulesets/impact/" + job.getId();
    }

    @GetMapping("/console/rulesets/impact/{id}")
    String impact(@PathVariable UUID id, Model model) {
        ImpactPreview job = jobs.find(id);
        model.addAttribute("job", job);
        model.addAttribute("running", running(job));
        return "console/impact";
    }

    /** The job's state, for the page's polling: the same fragment, until the job has finished. */
    @GetMapping("/console/rulesets/impact/{id}/progress")
    String progress(@PathVariable UUID id, Model model) {
        ImpactPreview job = jobs.find(id);
        model.addAttribute("job", job);
        model.addAttribute("running", running(job));
        return "console/impact :: progress";
    }

    private static boolean running(ImpactPreview job) {
        return job.getState() == ImpactPreviewState.QUEUED || job.getState() == ImpactPreviewState.RUNNING;
    }

    private String refused(List<String> typed, Map<Integer, String> byRow, List<FieldProblem> general, Model model) {
        model.addAttribute("rows", rows(typed, byRow));
        model.addAttribute("problems", general);
        model.addAttribute("expired", false);
        return form(model);
    }

    private String form(Model model) {
        model.addAttribute(
                "activeFiles",
                active.ruleset().files().files().keySet().stream().toList());
        return "console/ruleset-validate";
    }

    private static List<Row> rows(List<String> typed, Map<Integer, String> problems) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < Math.max(ROWS, typed.size()); i++) {
            rows.add(new Row(i, i < typed.size() && typed.get(i) != null ? typed.get(i) : "", problems.get(i)));
        }
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static List<FieldProblem> fields(ApiProblem problem) {
        Object errors = problem.properties().get(io.kakunin.api.model.Problem.JSON_PROPERTY_ERRORS);
        if (errors instanceof List<?> list && list.stream().allMatch(FieldProblem.class::isInstance)) {
            return (List<FieldProblem>) list;
        }
        return List.of(new FieldProblem("", problem.getMessage()));
    }

    /** The lines around {@code line} of an uploaded file that is UTF-8 text; empty otherwise. */
    private static List<Line> context(byte[] content, Integer line) {
        if (content == null || line == null || line < 1) {
            return List.of();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            return List.of();
        }
        String[] lines = text.split("\r\n|\n|\r", -1);
        if (line > lines.length) {
            return List.of();
        }
        List<Line> shown = new ArrayList<>();
        for (int n = Math.max(1, line - CONTEXT); n <= Math.min(lines.length, line + CONTEXT); n++) {
            shown.add(new Line(n, lines[n - 1], n == line));
        }
        return shown;
    }
}
