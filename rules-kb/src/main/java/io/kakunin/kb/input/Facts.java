package io.kakunin.kb.input;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.Organization;
import io.kakunin.api.model.Product;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The structural checks the engine makes before it evaluates anything: the parts every
 * evaluation needs are there, no list holds an empty slot (a JSON {@code null} element, which
 * would otherwise be a fact no rule can read), and no date of something that has already
 * happened lies after the date the facts describe (a review "done" in 2999 would otherwise
 * count as recent for ever).
 */
public final class Facts {

    private Facts() {}

    public static void check(AssessmentRequest request, PointerIndex index) {
        List<InvalidFactsException.Problem> problems = new ArrayList<>();
        if (request == null) {
            throw new InvalidFactsException(List.of(new InvalidFactsException.Problem("", "the request is empty")));
        }
        if (request.getOrganization() == null) {
            problems.add(new InvalidFactsException.Problem("/organization", "is required"));
        }
        if (request.getProducts() == null || request.getProducts().isEmpty()) {
            problems.add(new InvalidFactsException.Problem("/products", "must list at least one product"));
        }
        for (String pointer : index.nullElements()) {
            problems.add(new InvalidFactsException.Problem(pointer, "must not be null"));
        }
        if (request.getProducts() != null) {
            // Listings find assessments by product ID, and a verdict names its subjects by them: two products may not
            // share one.
            java.util.Map<String, Integer> seen = new java.util.HashMap<>();
            for (int i = 0; i < request.getProducts().size(); i++) {
                Product p = request.getProducts().get(i);
                Integer first = p == null || p.getId() == null ? null : seen.putIfAbsent(p.getId(), i);
                if (first != null) {
                    problems.add(new InvalidFactsException.Problem(
                            "/products/" + i + "/id", "repeats the ID of /products/" + first));
                }
                if (p != null && p.getJcStarSelfChecks() != null) {
                    // One check per row: two answers to one row would leave the checklist to pick one.
                    java.util.Map<String, Integer> rows = new java.util.HashMap<>();
                    for (int j = 0; j < p.getJcStarSelfChecks().size(); j++) {
                        io.kakunin.api.model.JcStarSelfCheck check =
                                p.getJcStarSelfChecks().get(j);
                        Integer earlier = check == null || check.getRequirementId() == null
                                ? null
                                : rows.putIfAbsent(check.getRequirementId(), j);
                        if (earlier != null) {
                            String checks = "/products/" + i + "/jcStarSelfChecks/";
                            problems.add(new InvalidFactsException.Problem(
                                    checks + j + "/requirementId",
                                    "repeats the row " + check.getRequirementId() + " of " + checks + earlier));
                        }
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFactsException(problems);
        }
    }

    /**
     * The dates of things done (a review, a training, an analysis, a document, a test plan) must
     * not lie after the assessment date. Dates of things planned (design freeze, end of support)
     * may.
     */
    public static void checkDates(AssessmentRequest request, LocalDate assessmentDate, PointerIndex index) {
        List<InvalidFactsException.Problem> problems = new ArrayList<>();
        Organization org = request.getOrganization();
        if (org.getProductSecurityPolicy() != null) {
            done(
                    problems,
                    index,
                    org.getProductSecurityPolicy(),
                    "/lastReviewDate",
                    org.getProductSecurityPolicy().getLastReviewDate(),
                    assessmentDate);
        }
        if (org.getSecurityTraining() != null) {
            done(
                    problems,
                    index,
                    org.getSecurityTraining(),
                    "/lastDate",
                    org.getSecurityTraining().getLastDate(),
                    assessmentDate);
        }
        for (Product p : request.getProducts()) {
            done(problems, index, p, "/useCasesDocumentedDate", p.getUseCasesDocumentedDate(), assessmentDate);
            done(problems, index, p, "/requirementsDocumentedDate", p.getRequirementsDocumentedDate(), assessmentDate);
            if (p.getThreatAnalysis() != null) {
                done(
                        problems,
                        index,
                        p.getThreatAnalysis(),
                        "/date",
                        p.getThreatAnalysis().getDate(),
                        assessmentDate);
            }
            if (p.getRiskAcceptances() != null) {
                p.getRiskAcceptances().forEach(r -> done(problems, index, r, "/date", r.getDate(), assessmentDate));
            }
            if (p.getSbom() != null) {
                done(problems, index, p.getSbom(), "/lastUpdated", p.getSbom().getLastUpdated(), assessmentDate);
            }
            if (p.getVerification() != null) {
                done(
                        problems,
                        index,
                        p.getVerification(),
                        "/testPlanDate",
                        p.getVerification().getTestPlanDate(),
                        assessmentDate);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFactsException(problems);
        }
    }

    private static void done(
            List<InvalidFactsException.Problem> problems,
            PointerIndex index,
            Object node,
            String fact,
            LocalDate date,
            LocalDate assessmentDate) {
        if (date != null && date.isAfter(assessmentDate)) {
            problems.add(new InvalidFactsException.Problem(
                    index.resolve(node, fact),
                    "is " + date + ", after the assessment date " + assessmentDate
                            + ": the date of something already done cannot lie in the future"));
        }
    }
}
