package io.kakunin.service;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.kakunin.api.model.AppliedWaiver;
import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.EffectiveOutcome;
import io.kakunin.api.model.OutcomeCounts;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Result;
import io.kakunin.kb.Waivers;
import io.kakunin.service.assessments.Assessments;
import io.kakunin.service.evaluation.Evaluations;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RestController;

/**
 * The service's house rules, as a test: SQL lives in the feature stores (never in controllers
 * or in web/), threads belong to the container (executor beans in one configuration), and the
 * feature packages form no cycle through web/.
 */
class ServiceArchitectureTests {

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kakunin.service");

    @Test
    void controllersAndTheWebLayerHoldNoSql() {
        noClasses()
                .that()
                .areAnnotatedWith(RestController.class)
                .or()
                .resideInAPackage("io.kakunin.service.web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework.jdbc..", "java.sql..", "org.springframework.data.jdbc..")
                .check(SERVICE);
    }

    @Test
    void threadsAreMadeOnlyByTheExecutorConfiguration() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(ExecutorConfiguration.class.getName())
                .should()
                .callConstructorWhere(target(owner(assignableTo(Thread.class))))
                .orShould()
                .accessClassesThat()
                .belongToAnyOf(Executors.class)
                .check(SERVICE);
    }

    @Test
    void theWebLayerDependsOnNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("io.kakunin.service.web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.kakunin.service.assessments..",
                        "io.kakunin.service.sharing..",
                        "io.kakunin.service.rulesets..",
                        "io.kakunin.service.recommendations..")
                .check(SERVICE);
    }

    /**
     * Effective outcomes, and the overall outcome and counts that follow from them, are decided by
     * the engine's overlay ({@code io.kakunin.kb.Waivers.apply}) alone, on every path: the service
     * never sets them itself (Kyverno #17473: each path with its own matcher honoured expired
     * exceptions).
     */
    @Test
    void theServiceNeverDecidesEffectiveOutcomesItself() {
        noClasses()
                .should()
                .callMethod(Result.class, "effectiveOutcome", EffectiveOutcome.class)
                .orShould()
                .callMethod(Result.class, "setEffectiveOutcome", EffectiveOutcome.class)
                .orShould()
                .callMethod(Result.class, "waiver", AppliedWaiver.class)
                .orShould()
                .callMethod(Result.class, "setWaiver", AppliedWaiver.class)
                .orShould()
                .callMethod(Assessment.class, "overallOutcome", OverallOutcome.class)
                .orShould()
                .callMethod(Assessment.class, "setOverallOutcome", OverallOutcome.class)
                .orShould()
                .callMethod(Assessment.class, "counts", OutcomeCounts.class)
                .orShould()
                .callMethod(Assessment.class, "setCounts", OutcomeCounts.class)
                .check(SERVICE);
    }

    /**
     * Waivers meet a verdict in one place of the service: {@link Evaluations}, which every
     * assessment path (single request, batch line, re-evaluation) goes through. A controller that
     * overlaid waivers itself would be a second path to keep in step.
     */
    @Test
    void onlyEvaluationsOverlaysWaivers() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(Evaluations.class.getName())
                .should()
                .callMethod(Waivers.class, "apply", Assessment.class, Collection.class, Instant.class)
                .check(SERVICE);
        assertThat(SERVICE.get(Evaluations.class).getMethodCallsFromSelf())
                .as("Evaluations is where the overlay is called")
                .anyMatch(call -> call.getTargetOwner().isEquivalentTo(Waivers.class)
                        && call.getName().equals("apply"));
    }

    @Test
    void theFeaturePackagesFormNoCycle() {
        slices().matching("io.kakunin.service.(*)..").should().beFreeOfCycles().check(SERVICE);
    }

    /**
     * The console is a second face, not a second path: its pages reach records only through the
     * services the API's controllers call (never a store, SQL, the evaluator or the waiver overlay),
     * so nothing the API decides can be decided differently on a page.
     */
    @Test
    void theConsoleReachesDataOnlyThroughTheApisServices() {
        noClasses()
                .that()
                .resideInAPackage("io.kakunin.service.console..")
                .should()
                .dependOnClassesThat()
                .haveSimpleNameEndingWith("Store")
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.kakunin.service.storage..",
                        "io.kakunin.service.evaluation..",
                        "org.springframework.jdbc..",
                        "java.sql..")
                .orShould()
                .dependOnClassesThat()
                .belongToAnyOf(Waivers.class, Evaluations.class)
                .check(SERVICE);
        for (String page : List.of(
                "io.kakunin.service.assessments.AssessmentsController",
                "io.kakunin.service.console.SelfAssessmentController")) {
            assertThat(SERVICE.get(page).getMethodCallsFromSelf())
                    .as(page + " creates assessments through Assessments.create")
                    .anyMatch(call -> call.getTargetOwner().isEquivalentTo(Assessments.class)
                            && call.getName().equals("create"));
        }
    }
}
