package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.fixtures.FixtureCase;
import io.kakunin.kb.fixtures.FixtureSuite;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shared fixture, against the engine: the built-in knowledge base as compiled at build time. */
class FixtureTests {

    static List<FixtureCase> cases() {
        return FixtureCase.load(Fixtures.root());
    }

    @Test
    void theFixtureSetIsNotEmpty() {
        assertThat(cases()).hasSizeGreaterThan(20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void builtInKnowledgeBaseGivesTheExpectedVerdict(FixtureCase fixture) {
        FixtureSuite.CaseResult result = FixtureSuite.run(Ruleset.builtIn(), fixture);
        assertThat(result.mismatches()).as(fixture.name()).isEmpty();
    }

    /**
     * The service compiles external rulesets from DRL at run time; the same rules compiled
     * that way must decide every fixture the same way as the build-time executable model.
     */
    @Test
    void rulesCompiledFromDrlAtRunTimeGiveTheSameVerdicts() {
        Ruleset fromDrl = Ruleset.compile(Ruleset.builtIn().files(), "drl");
        assertThat(fromDrl.revision()).isEqualTo(Ruleset.builtIn().revision());
        FixtureSuite.Report report = FixtureSuite.run(fromDrl, cases());
        assertThat(report.cases())
                .filteredOn(c -> !c.passed())
                .extracting(c -> c.fixture().name() + " " + c.mismatches())
                .isEmpty();
    }
}
