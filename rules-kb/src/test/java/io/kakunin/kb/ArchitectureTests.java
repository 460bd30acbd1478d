package io.kakunin.kb;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

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
        noClasses().that().resideInAPackage("io.kakunin.kb..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..",
                        "io.kakunin.service..", "io.kakunin.cli..", "io.kakunin.client..")
                .check(ENGINE);
    }

    @Test
    void nothingInTheEngineReachesUpToThePublicationGate() {
        noClasses().that().resideInAPackage("io.kakunin.kb..").and().resideOutsideOfPackage("io.kakunin.kb.fixtures..")
                .should().dependOnClassesThat().resideInAPackage("io.kakunin.kb.fixtures..")
                .check(ENGINE);
    }

    @Test
    void theRulesAndTheGeneratedModelDependOnNothingAboveThem() {
        noClasses().that().resideInAPackage("io.kakunin.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kakunin.kb..", "io.kakunin.rules..")
                .check(new ClassFileImporter().importPackages("io.kakunin.api"));
    }

    @Test
    void theEnginesPackagesFormNoCycle() {
        slices().matching("io.kakunin.(kb).(*)..").should().beFreeOfCycles().check(ENGINE);
        slices().matching("io.kakunin.(*)..").should().beFreeOfCycles().check(ENGINE);
    }
}
