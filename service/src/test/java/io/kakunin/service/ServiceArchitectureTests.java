package io.kakunin.service;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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

    @Test
    void theFeaturePackagesFormNoCycle() {
        slices().matching("io.kakunin.service.(*)..").should().beFreeOfCycles().check(SERVICE);
    }
}
