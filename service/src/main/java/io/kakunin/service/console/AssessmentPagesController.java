package io.kakunin.service.console;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentList;
import io.kakunin.api.model.EffectiveOutcome;
import io.kakunin.api.model.JcStarChecklist;
import io.kakunin.api.model.MeasureSummary;
import io.kakunin.api.model.MissingFact;
import io.kakunin.api.model.OutcomeCounts;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Result;
import io.kakunin.kb.Ruleset;
import io.kakunin.kb.ruleset.Locales;
import io.kakunin.service.assessments.Assessments;
import io.kakunin.service.rulesets.ActiveRuleset;
import io.kakunin.service.web.ApiProblem;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Stored assessments: the listing with the API's filters, one verdict as a report (an SVG chart by
 * measure, failures first, warnings with their date, waivers, the follow-up questions as a form,
 * the JC-STAR ★1 checklist, a print stylesheet), and its re-evaluation under its own revision. Every
 * record is read through {@link Assessments}, the service the API's controller calls, so a page
 * shows what the caller may see and nothing else.
 */
@Controller
class AssessmentPagesController {

    /** The order results are shown in: what needs action first. */
    private static final List<EffectiveOutcome> ORDER = List.of(
            EffectiveOutcome.FAIL,
            EffectiveOutcome.WARN,
            EffectiveOutcome.NEEDS_INFORMATION,
            EffectiveOutcome.WAIVED,
            EffectiveOutcome.PASS,
            EffectiveOutcome.NOT_APPLICABLE);

    private final Assessments assessments;
    private final ActiveRuleset active;
    private final Questionnaires questionnaires;
    private final MessageSource messages;

    AssessmentPagesController(
            Assessments assessments, ActiveRuleset active, Questionnaires questionnaires, MessageSource messages) {
        this.assessments = assessments;
        this.active = active;
        this.questionnaires = questionnaires;
        this.messages = messages;
    }

    /** One segment of a measure's bar in the chart: its outcome, where it starts and how wide it is (in %). */
    record Segment(String outcome, String label, int count, double x, double width) {}

    record Bar(String measure, String title, int total, List<Segment> segments, double y) {}

    @GetMapping("/console/assessments")
    String list(
            @RequestParam(required = false) String organizationId,
            @RequestParam(required = false) String productId,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String failedRecommendation,
            @RequestParam(required = false) String rulesetRevision,
            @RequestParam(required = false) LocalDate createdFrom,
            @RequestParam(required = false) LocalDate createdTo,
            @RequestParam(required = false) String cursor,
            Model model) {
        Filters form = new Filters();
        AssessmentList page = assessments.list(
                new Assessments.Filter(
                        form.text("organizationId", organizationId),
                        form.text("productId", productId),
                        form.choice("outcome", outcome, OverallOutcome::fromValue, OverallOutcome.values()),
                        form.text("failedRecommendation", failedRecommendation),
                        form.text("rulesetRevision", rulesetRevision),
                        form.from("createdFrom", createdFrom),
                        form.until("createdTo", createdTo)),
                25,
                form.text("cursor", cursor));
        model.addAttribute("page", page);
        model.addAttribute("outcomes", OverallOutcome.values());
        model.addAttribute("filter", form.shown());
        return "console/assessments";
    }

    @GetMapping("/console/assessments/{id}")
    String verdict(@PathVariable UUID id, Model model) {
        Locale locale = LocaleContextHolder.getLocale();
        Assessment verdict = assessments.find(id, Locales.tag(locale));
        List<Result> results = new ArrayList<>(verdict.getResults());
        results.sort(Comparator.comparingInt((Result r) -> ORDER.indexOf(r.getEffectiveOutcome()))
                .thenComparing(Result::getRecommendationId, AssessmentPagesController::byNumber)
                .thenComparing(r -> String.valueOf(r.getSubject())));
        Ruleset ruleset = active.ruleset();
        JcStarChecklist jcStar = null;
        if (ruleset.hasJcStar()) {
            try {
                jcStar = assessments.jcStar(id, Locales.tag(locale));
            } catch (ApiProblem unavailable) {
                // The revision that decided no longer has the rules to draw it: the page says so.
            }
        }
        Questionnaire questionnaire = questionnaires.of(ruleset);
        List<FollowUp> followUp = new ArrayList<>();
        for (MissingFact fact : verdict.getFollowUp()) {
            questionnaire
                    .questionAt(fact.getPointer())
                    .ifPresent(q -> followUp.add(new FollowUp(
                            fact.getPointer(),
                            QuestionnaireView.followUp(q, fact.getPointer(), messages, locale),
                            fact.getRecommendationIds())));
        }
        model.addAttribute("verdict", verdict);
        model.addAttribute("results", results);
        model.addAttribute("bars", bars(verdict.getMeasures(), locale));
        model.addAttribute("jcStar", jcStar);
        model.addAttribute("followUp", followUp);
        model.addAttribute("unasked", verdict.getFollowUp().size() - followUp.size());
        return "console/verdict";
    }

    /** A follow-up question: the missing fact's pointer in the request, and the question for it. */
    record FollowUp(String pointer, QuestionnaireView.Question question, List<String> items) {}

    @GetMapping("/console/assessments/{id}/reevaluation")
    String reevaluation(@PathVariable UUID id, Model model) {
        model.addAttribute("reevaluation", assessments.reevaluate(id));
        model.addAttribute("id", id);
        return "console/reevaluation";
    }

    /** The chart: one bar per measure, its results by effective outcome, widths in per cent of the bar. */
    private List<Bar> bars(List<MeasureSummary> measures, Locale locale) {
        List<Bar> bars = new ArrayList<>();
        double y = 0;
        for (MeasureSummary m : measures) {
            OutcomeCounts c = m.getCounts();
            int[] counts = {
                n(c.getFail()),
                n(c.getWarned()),
                n(c.getNeedsInformation()),
                n(c.getWaived()),
                n(c.getPass()),
                n(c.getNotApplicable())
            };
            String[] outcomes = {"FAIL", "WARN", "NEEDS_INFORMATION", "WAIVED", "PASS", "NOT_APPLICABLE"};
            int total = 0;
            for (int n : counts) {
                total += n;
            }
            List<Segment> segments = new ArrayList<>();
            double x = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0) {
                    double width = 100.0 * counts[i] / total;
                    segments.add(new Segment(
                            outcomes[i],
                            messages.getMessage("outcome." + outcomes[i], null, outcomes[i], locale),
                            counts[i],
                            x,
                            width));
                    x += width;
                }
            }
            bars.add(new Bar(m.getMeasure(), m.getTitle(), total, segments, y));
            y += 34;
        }
        return bars;
    }

    private static int n(Integer count) {
        return count == null ? 0 : count;
    }

    /** PS-4.2 before PS-4.10: recommendation IDs by their numbers. */
    static int byNumber(String a, String b) {
        String[] x = a.split("[-.]");
        String[] y = b.split("[-.]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].matches("\\d+") && y[i].matches("\\d+")
                    ? Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]))
                    : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
