package io.kakunin.service.console;

import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Redaction;
import io.kakunin.api.model.RedactionAction;
import io.kakunin.api.model.RedactionFinding;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.SharingDecision;
import io.kakunin.api.model.SharingReview;
import io.kakunin.api.model.SharingReviewList;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.kb.input.InputFault;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.sharing.SharingReviews;
import io.kakunin.service.web.ApiProblem;
import io.kakunin.service.web.ArrayLimits;
import io.kakunin.service.web.FieldProblem;
import io.kakunin.service.web.NotFoundException;
import io.kakunin.service.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sharing reviews: the listing with the API's filters, one review (the decision, why, the
 * redactions by kind, the sanitized bundle to download), and a form that takes the body of
 * {@code POST /v1/sharing-reviews}, pasted or uploaded. Every review is made and read through
 * {@link SharingReviews}, the service the API's controller calls: what it returns is already
 * stored without the victim profile and with whatever the profile matched masked, so these pages
 * show it as it comes and mask nothing themselves.
 */
@Controller
class SharingReviewPagesController {

    static final String OPERATION = "console sharing review";

    /** The order results are shown in: what decided against sharing first. */
    private static final List<Outcome> ORDER =
            List.of(Outcome.FAIL, Outcome.NEEDS_INFORMATION, Outcome.PASS, Outcome.NOT_APPLICABLE);

    /** Edits that change what goes out, in the order they are shown; markings come after them, folded. */
    private static final List<RedactionAction> EDITS = List.of(
            RedactionAction.REMOVE_OBJECT,
            RedactionAction.REMOVE_ITEM,
            RedactionAction.REPLACE_TEXT,
            RedactionAction.GENERALIZE_IDENTITY,
            RedactionAction.GENERALIZE_LOCATION);

    private final SharingReviews reviews;
    private final JsonMapper json;
    private final ArrayLimits.RequestJson requests;
    private final Problems problems;
    private final Validator validator;

    SharingReviewPagesController(
            SharingReviews reviews,
            JsonMapper json,
            ArrayLimits.RequestJson requests,
            Problems problems,
            Validator validator) {
        this.reviews = reviews;
        this.json = json;
        this.requests = requests;
        this.problems = problems;
        this.validator = validator;
    }

    /** The redactions of one kind of edit: its action and the entries, in the review's order. */
    public record Group(String action, List<Redaction> redactions) {}

    @GetMapping("/console/sharing-reviews")
    String list(
            @RequestParam(required = false) String organizationId,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String decision,
            @RequestParam(required = false) String failedRecommendation,
            @RequestParam(required = false) String rulesetRevision,
            @RequestParam(required = false) LocalDate createdFrom,
            @RequestParam(required = false) LocalDate createdTo,
            @RequestParam(required = false) String cursor,
            Model model) {
        Filters form = new Filters();
        SharingReviewList page = reviews.list(
                new SharingReviews.Filter(
                        form.text("organizationId", organizationId),
                        form.choice("outcome", outcome, OverallOutcome::fromValue, OverallOutcome.values()),
                        form.choice("decision", decision, SharingDecision::fromValue, SharingDecision.values()),
                        form.text("failedRecommendation", failedRecommendation),
                        form.text("rulesetRevision", rulesetRevision),
                        form.from("createdFrom", createdFrom),
                        form.until("createdTo", createdTo)),
                25,
                form.text("cursor", cursor));
        model.addAttribute("page", page);
        model.addAttribute("outcomes", OverallOutcome.values());
        model.addAttribute("decisions", SharingDecision.values());
        model.addAttribute("filter", form.shown());
        return "console/sharing-reviews";
    }

    @GetMapping("/console/sharing-reviews/new")
    String form(Model model) {
        return show(model, "", List.of(), false);
    }

    @PostMapping("/console/sharing-reviews/new")
    String submit(
            @RequestParam(name = "request", required = false) String pasted,
            @RequestParam(name = "file", required = false) MultipartFile file,
            HttpServletRequest http,
            HttpServletResponse response,
            Model model)
            throws IOException {
        Locale locale = LocaleContextHolder.getLocale();
        String text = file != null && !file.isEmpty()
                ? new String(file.getBytes(), StandardCharsets.UTF_8)
                : pasted == null ? "" : pasted;
        List<FieldProblem> faults = new ArrayList<>();
        SharingReviewRequest request = null;
        if (text.isBlank()) {
            // What the API answers a request without a body.
            faults.addAll(Pages.fieldProblems(problems.invalid(
                    List.of(InputFault.of("", InputFault.Kind.BODY_REQUIRED)), false, locale, http.getRequestURI())));
        } else {
            try {
                // Read as the API reads its body: the same reader, so the same words for the same fault.
                request = requests.mapper().readValue(text, SharingReviewRequest.class);
                faults.addAll(Pages.fieldProblems(problems.invalid(
                        request == null
                                ? List.of(InputFault.of("", InputFault.Kind.BODY_REQUIRED))
                                : problems.faults(validator.validate(request)),
                        false,
                        locale,
                        http.getRequestURI())));
            } catch (JacksonException e) {
                faults.addAll(Pages.fieldProblems(problems.unreadable(e, locale, http.getRequestURI())));
            }
        }
        if (faults.isEmpty()) {
            try {
                SharingReviews.Created created = reviews.create(request, null, Locales.tag(locale), OPERATION);
                return "redirect:/console/sharing-reviews/" + created.id();
            } catch (InvalidFactsException e) {
                faults.addAll(problems.fields(e));
            } catch (ApiProblem refused) {
                if (refused.status().value() != 400) {
                    throw refused;
                }
                List<FieldProblem> fields = Pages.fieldProblems(problems.of(refused, http.getRequestURI()));
                faults.addAll(fields.isEmpty() ? List.of(new FieldProblem("", refused.getMessage())) : fields);
            }
        }
        response.setStatus(400);
        return again(model, text, faults);
    }

    @GetMapping("/console/sharing-reviews/{id}")
    String review(@PathVariable UUID id, Model model) {
        SharingReview review = reviews.find(id, Locales.tag(LocaleContextHolder.getLocale()));
        List<Result> results = review.getResults() == null ? new ArrayList<>() : new ArrayList<>(review.getResults());
        results.sort(Comparator.comparingInt((Result r) -> ORDER.indexOf(r.getOutcome()))
                .thenComparing(Result::getRecommendationId, AssessmentPagesController::byNumber));
        List<Result> decisive = results.stream()
                .filter(r -> r.getOutcome() == Outcome.FAIL || r.getOutcome() == Outcome.NEEDS_INFORMATION)
                .toList();
        List<Result> others =
                results.stream().filter(r -> !decisive.contains(r)).toList();
        Map<RedactionAction, List<Redaction>> byAction = new EnumMap<>(RedactionAction.class);
        List<Redaction> markings = new ArrayList<>();
        if (review.getRedactions() != null) {
            for (Redaction r : review.getRedactions()) {
                if (isMarking(r)) {
                    markings.add(r);
                } else {
                    byAction.computeIfAbsent(r.getAction(), a -> new ArrayList<>())
                            .add(r);
                }
            }
        }
        List<Group> edits = new ArrayList<>();
        for (RedactionAction action : EDITS) {
            if (byAction.containsKey(action)) {
                edits.add(new Group(action.getValue(), byAction.remove(action)));
            }
        }
        byAction.forEach((action, list) -> edits.add(new Group(action.getValue(), list)));
        int marked = markings.stream()
                .mapToInt(r -> r.getCount() == null ? 1 : r.getCount())
                .sum();
        model.addAttribute("review", review);
        model.addAttribute("decisive", decisive);
        model.addAttribute("others", others);
        model.addAttribute("edits", edits);
        model.addAttribute("markings", markings);
        model.addAttribute("marked", marked);
        return "console/sharing-review";
    }

    /** The sanitized bundle as the API gives it in the review, written by the service's mapper, to download. */
    @GetMapping("/console/sharing-reviews/{id}/bundle")
    ResponseEntity<byte[]> bundle(@PathVariable UUID id) {
        SharingReview review = reviews.find(id, null);
        if (review.getSanitizedBundle() == null) {
            throw new NotFoundException("sanitized bundle of sharing review", id);
        }
        byte[] body = json.writeValueAsBytes(review.getSanitizedBundle());
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename("sharing-review-" + id + "-sanitized-bundle.json")
                                .build()
                                .toString())
                .body(body);
    }

    /** A marking entry: the share's TLP stamped on objects, nothing taken out or rewritten. */
    private static boolean isMarking(Redaction r) {
        return r.getAction() == RedactionAction.APPLY_MARKING
                || r.getFinding() == RedactionFinding.MISSING_MARKING
                || r.getFinding() == RedactionFinding.WEAK_MARKING;
    }

    /**
     * The form again with its faults. The text comes back only as far as it is not the victim
     * profile, which is repeated nowhere, not even to its sender: a request that names one comes
     * back without it, or, if it cannot be read far enough to take it out, not at all.
     */
    private String again(Model model, String text, List<FieldProblem> faults) {
        if (!text.contains("victimProfile")) {
            return show(model, text, faults, false);
        }
        try {
            JsonNode tree = json.readTree(text);
            if (tree instanceof ObjectNode object) {
                object.remove("victimProfile");
                if (!object.toString().contains("victimProfile")) {
                    return show(model, json.writerWithDefaultPrettyPrinter().writeValueAsString(object), faults, true);
                }
            }
        } catch (JacksonException unreadable) {
            // Not JSON: it cannot be shown without the profile.
        }
        return show(model, "", faults, true);
    }

    private String show(Model model, String text, List<FieldProblem> faults, boolean profileLeftOut) {
        model.addAttribute("text", text);
        model.addAttribute("faults", faults);
        model.addAttribute("profileLeftOut", profileLeftOut);
        return "console/sharing-review-new";
    }
}
