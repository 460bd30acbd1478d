package io.kakunin.service.console;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.assessments.Assessments;
import io.kakunin.service.drafts.Drafts;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.web.FieldProblem;
import io.kakunin.service.web.NotFoundException;
import io.kakunin.service.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The self-assessment: the questionnaire ({@link Questionnaire}) as a form, measure by measure;
 * submitted, it becomes an assessment through {@link Assessments#create}, the service
 * {@code POST /v1/assessments} calls, read first by the request reader the API uses, so a bad
 * answer gets the API's field-level words beside its question. The follow-up of a verdict is the
 * same form, started from the stored request, with the missing facts asked first.
 */
@Controller
class SelfAssessmentController {

    static final String OPERATION = "console self-assessment";

    private final Assessments assessments;
    private final ActiveRuleset active;
    private final Questionnaires questionnaires;
    private final JsonMapper json;
    private final Problems problems;
    private final Validator validator;
    private final MessageSource messages;
    private final Drafts drafts;

    SelfAssessmentController(
            Assessments assessments,
            ActiveRuleset active,
            Questionnaires questionnaires,
            JsonMapper json,
            Problems problems,
            Validator validator,
            MessageSource messages,
            Drafts drafts) {
        this.drafts = drafts;
        this.assessments = assessments;
        this.active = active;
        this.questionnaires = questionnaires;
        this.json = json;
        this.problems = problems;
        this.validator = validator;
        this.messages = messages;
    }

    @GetMapping("/console/assess")
    String form(
            @RequestParam(name = "from", required = false) UUID from,
            @RequestParam(name = "draft", required = false) UUID draft,
            Model model) {
        Map<String, List<String>> answers = new LinkedHashMap<>();
        List<String> missing = List.of();
        if (draft != null) {
            answers = drafts.find(draft)
                    .orElseThrow(() -> new NotFoundException("draft", draft))
                    .answers();
            model.addAttribute("draft", draft);
        } else if (from != null) {
            AssessmentRequest request = assessments.request(from);
            answers = Answers.of(questionnaire(), json.valueToTree(request), json);
            missing = assessments.find(from, null).getFollowUp().stream()
                    .map(f -> f.getPointer())
                    .toList();
        }
        return show(model, answers, Map.of(), List.of(), missing, from);
    }

    @PostMapping("/console/assess")
    String submit(
            @RequestParam MultiValueMap<String, String> form,
            @RequestParam(name = "from", required = false) UUID from,
            @RequestParam(name = "draft", required = false) UUID draft,
            @RequestParam(name = "save", required = false) String save,
            HttpServletRequest http,
            HttpServletResponse response,
            Model model) {
        Questionnaire questionnaire = questionnaire();
        Locale locale = LocaleContextHolder.getLocale();
        if ("draft".equals(save)) {
            return saveDraft(form, draft, from, response, model);
        }
        model.addAttribute("draft", draft);
        boolean followUp = from != null && form.keySet().stream().anyMatch(f -> f.startsWith(Answers.AT));
        Answers.Read read = followUp
                ? Answers.followUp(questionnaire, json.valueToTree(assessments.request(from)), form, json)
                : Answers.read(questionnaire, form, json);
        Map<String, List<String>> shown = followUp ? Answers.of(questionnaire, read.request(), json) : form;
        List<FieldProblem> faults = new ArrayList<>();
        read.notJson()
                .forEach((pointer, text) ->
                        faults.add(new FieldProblem(pointer, messages.getMessage("assess.notJson", null, locale))));
        AssessmentRequest request = null;
        try {
            request = json.treeToValue(read.request(), AssessmentRequest.class);
            faults.addAll(Pages.fieldProblems(problems.invalid(
                    problems.faults(validator.validate(request)), false, locale, http.getRequestURI())));
        } catch (JacksonException e) {
            faults.addAll(Pages.fieldProblems(problems.unreadable(e, locale, http.getRequestURI())));
        }
        if (!faults.isEmpty()) {
            response.setStatus(400);
            return show(model, shown, byPointer(questionnaire, faults), faults, List.of(), from);
        }
        try {
            Assessments.Created created = assessments.create(request, null, Locales.tag(locale), null, true, OPERATION);
            if (draft != null) {
                drafts.delete(draft);
            }
            return "redirect:/console/assessments/" + created.id();
        } catch (InvalidFactsException e) {
            List<FieldProblem> fields = problems.fields(e);
            response.setStatus(400);
            return show(model, shown, byPointer(questionnaire, fields), fields, List.of(), from);
        }
    }

    /**
     * Keeps the answers as the caller's draft, exactly as the form holds them (nothing is checked:
     * a draft may be half-answered or wrong), and shows the form again to go on with it.
     */
    private String saveDraft(
            MultiValueMap<String, String> form, UUID draft, UUID from, HttpServletResponse response, Model model) {
        Map<String, List<String>> answers = new LinkedHashMap<>();
        form.forEach((field, values) -> {
            if (!DRAFT_IGNORES.contains(field) && !field.startsWith(Answers.AT)) {
                answers.put(field, List.copyOf(values));
            }
        });
        String label = String.join(
                        " / ",
                        first(answers, "organization:/id"),
                        first(answers, "organization:/name"),
                        first(answers, "product:/id"),
                        first(answers, "product:/name"))
                .replaceAll("( / )+", " / ")
                .replaceAll("^ / | / $", "")
                .strip();
        Drafts.Saved saved = drafts.save(draft, label, answers);
        if (saved.tooMany()) {
            response.setStatus(409);
            Locale locale = LocaleContextHolder.getLocale();
            List<FieldProblem> faults = List.of(new FieldProblem(
                    "", messages.getMessage("assess.draftsFull", new Object[] {Drafts.MAX_PER_CALLER}, locale)));
            model.addAttribute("draft", draft);
            return show(model, answers, Map.of(), faults, List.of(), from);
        }
        return "redirect:/console/assess?draft=" + saved.id() + "&saved";
    }

    private static final java.util.Set<String> DRAFT_IGNORES = java.util.Set.of("_csrf", "save", "draft", "from");

    private static String first(Map<String, List<String>> answers, String field) {
        List<String> values = answers.get(field);
        return values == null || values.isEmpty() ? "" : values.get(0).strip();
    }

    @PostMapping("/console/assess/drafts/{id}/deletion")
    String deleteDraft(@PathVariable UUID id) {
        drafts.delete(id);
        return "redirect:/console/assess";
    }

    /** The follow-up of a verdict: the same form from its request, the missing facts first. */
    @GetMapping("/console/assessments/{id}/follow-up")
    String followUp(@PathVariable UUID id) {
        return "redirect:/console/assess?from=" + id;
    }

    private Questionnaire questionnaire() {
        return questionnaires.of(active.ruleset());
    }

    /** Each fault beside the question whose fact it names (or inside it); the rest above the form. */
    private static Map<String, String> byPointer(Questionnaire questionnaire, List<FieldProblem> faults) {
        Map<String, String> byField = new LinkedHashMap<>();
        for (FieldProblem fault : faults) {
            String pointer = fault.pointer();
            for (String p = pointer; !p.isEmpty(); p = p.substring(0, Math.max(0, p.lastIndexOf('/')))) {
                var q = questionnaire.questionAt(p);
                if (q.isPresent()) {
                    byField.merge(q.get().field(), fault.detail(), (a, b) -> a + " " + b);
                    break;
                }
                String identity = p.equals("/organization/id")
                        ? "organization:/id"
                        : p.equals("/products/0/id") ? "product:/id" : null;
                if (identity != null) {
                    byField.merge(identity, fault.detail(), (a, b) -> a + " " + b);
                    break;
                }
            }
        }
        return byField;
    }

    private String show(
            Model model,
            Map<String, List<String>> answers,
            Map<String, String> errors,
            List<FieldProblem> faults,
            List<String> missing,
            UUID from) {
        Locale locale = LocaleContextHolder.getLocale();
        Ruleset ruleset = active.ruleset();
        Questionnaire questionnaire = questionnaire();
        List<QuestionnaireView.Measure> measures =
                QuestionnaireView.of(questionnaire, ruleset, messages, locale, answers, errors, missing);
        model.addAttribute("measures", measures);
        model.addAttribute("answers", answers);
        model.addAttribute("errors", errors);
        model.addAttribute("faults", faults);
        model.addAttribute(
                "missing",
                QuestionnaireView.missing(questionnaire, ruleset, messages, locale, answers, errors, missing));
        model.addAttribute("from", from);
        model.addAttribute("answersCount", answers.size());
        model.addAttribute("drafts", drafts.mine());
        return "console/assess";
    }
}
