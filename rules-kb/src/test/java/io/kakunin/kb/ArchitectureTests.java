package io.kakunin.kb;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.kakunin.api.model.AppliedWaiver;
import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.EffectiveOutcome;
import io.kakunin.api.model.OutcomeCounts;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Result;
import org.junit.jupiter.api.Test;

/**
 * The engine's layering, written down so that a change cannot quietly break it: the engine is
 * embeddable (no Spring, no service, no command line), the publication gate sits on top of the
 * engine and nothing in the engine reaches back up to it, and the engine's packages form no cycle.
 */
class ArchitectureTests {

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kakunin.kb", "io.kakunin.rules");

    @Test
    void theEngineIsEmbeddableWithoutSpringTheServiceOrTheCommandLine() {
        noClasses()
                .that()
                .resideInAPackage("io.kakunin.kb..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "jakarta.servlet..",
                        "io.kakunin.service..",
                        "io.kakunin.cli..",
                        "io.kakunin.client..")
                .check(ENGINE);
    }

    @Test
    void nothingInTheEngineReachesUpToThePublicationGate() {
        noClasses()
                .that()
                .resideInAPackage("io.kakunin.kb..")
                .and()
                .resideOutsideOfPackage("io.kakunin.kb.fixtures..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.kakunin.kb.fixtures..")
                .check(ENGINE);
    }

    @Test
    void theRulesAndTheGeneratedModelDependOnNothingAboveThem() {
        noClasses()
                .that()
                .resideInAPackage("io.kakunin.api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.kakunin.kb..", "io.kakunin.rules..")
                .check(new ClassFileImporter().importPackages("io.kakunin.api"));
    }

    /**
     * The engine's rooms, bottom up: reading input ({@code input}) and the ruleset's model and
     * checks ({@code ruleset}) need nothing else of ours; compiling ({@code compile}) needs the
     * model; the sharing facts and STIX reading ({@code sharing}) need input and the model; the
     * engine API in {@code io.kakunin.kb} (Ruleset, the outcomes rules report, verdict assembly,
     * the rule-language check) uses them all; the publication gate ({@code fixtures}) sits on top.
     */
    @Test
    void eachPackageDependsOnlyOnThoseBelowIt() {
        noClasses()
                .that()
                .resideInAPackage("io.kakunin.kb.input..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.kakunin.kb",
                        "io.kakunin.kb.ruleset..",
                        "io.kakunin.kb.compile..",
                        "io.kakunin.kb.sharing..",
                        "io.kakunin.kb.fixtures..")
                .check(ENGINE);
        noClasses()
                .that()
                .resideInAPackage("io.kakunin.kb.ruleset..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.kakunin.kb",
                        "io.kakunin.kb.compile..",
                        "io.kakunin.kb.sharing..",
                        "io.kakunin.kb.fixtures..")
                .check(ENGINE);
        noClasses()
                .that()
                .resideInAPackage("io.kakunin.kb.compile..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.kakunin.kb", "io.kakunin.kb.sharing..", "io.kakunin.kb.fixtures..")
                .check(ENGINE);
        noClasses()
                .that()
                .resideInAPackage("io.kakunin.kb.sharing..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.kakunin.kb", "io.kakunin.kb.compile..", "io.kakunin.kb.fixtures..")
                .check(ENGINE);
    }

    /**
     * Effective outcomes, and the overall outcome and counts that follow from them, have one owner
     * ({@link Waivers#apply}): a second copy would sooner or later honour a waiver it refuses.
     */
    @Test
    void onlyTheOverlayDecidesEffectiveOutcomesOverallOutcomesAndCounts() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(Waivers.class.getName())
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
                .check(ENGINE);
    }

    @Test
    void theEnginesPackagesFormNoCycle() {
        slices().matching("io.kakunin.(kb).(*)..").should().beFreeOfCycles().check(ENGINE);
        slices().matching("io.kakunin.(*)..").should().beFreeOfCycles().check(ENGINE);
    }
}
