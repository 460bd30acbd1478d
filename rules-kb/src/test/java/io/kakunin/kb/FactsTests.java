package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.SharingReviewRequest;
import io.kakunin.kb.input.InvalidFactsException;
import io.kakunin.kb.input.Json;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DatabindException;

class FactsTests {

    private static final Ruleset KB = Ruleset.builtIn();

    private static AssessmentRequest assessment(String json) {
        return Json.mapper().readValue(json, AssessmentRequest.class);
    }

    @Test
    void theDateOfSomethingDoneMayNotLieAfterTheAssessmentDate() {
        InvalidFactsException e =
                catchThrowableOfType(InvalidFactsException.class, () -> KB.assess(assessment("""
                {"assessmentDate":"2026-11-30",
                 "organization":{"productSecurityPolicy":{"exists":true,"lastReviewDate":"2999-12-31"},"securityTraining":{"lastDate":"2026-12-01"}},
                 "products":[{"sbom":{"exists":true,"lastUpdated":"2027-01-01"},"designFreezeDate":"2027-06-01"}]}"""), Locale.ENGLISH));
        assertThat(e.problems())
                .extracting(InvalidFactsException.Problem::pointer)
                .containsExactlyInAnyOrder(
                        "/organization/productSecurityPolicy/lastReviewDate",
                        "/organization/securityTraining/lastDate",
                        "/products/0/sbom/lastUpdated");
        assertThat(e.problems().get(0).detail()).contains("after the assessment date 2026-11-30");
    }

    @Test
    void aPlannedDateMayLieInTheFutureAndAPastReviewCountsAsBefore() {
        assertThat(KB.assess(assessment("""
                {"assessmentDate":"2026-11-30","organization":{"productSecurityPolicy":{"exists":true,"lastReviewDate":"2026-11-30"}},
                 "products":[{"designFreezeDate":"2027-06-01","support":{"supportPeriodPublished":true,"supportEndDate":"2031-03-31"}}]}"""), Locale.ENGLISH).getResults()).isNotEmpty();
    }

    @Test
    void datesHaveFourDigitYears() {
        for (String date : new String[] {"+10000-01-01", "-0001-01-01", "2026-1-01", "２０２６-01-01"}) {
            assertThatThrownBy(() ->
                            assessment("{\"assessmentDate\":\"" + date + "\",\"organization\":{},\"products\":[{}]}"))
                    .as(date)
                    .isInstanceOf(DatabindException.class)
                    .hasMessageContaining("must be a date that exists");
        }
    }

    @Test
    void twoProductsMayNotShareAnId() {
        InvalidFactsException e = catchThrowableOfType(
                InvalidFactsException.class,
                () -> KB.assess(
                        assessment(
                                "{\"organization\":{},\"products\":[{\"id\":\"cam-1\"},{\"id\":\"hub-1\"},{\"id\":\"cam-1\"}]}"),
                        Locale.ENGLISH));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.pointer()).isEqualTo("/products/2/id");
            assertThat(p.detail()).contains("/products/0");
        });
    }

    @Test
    void aVictimProfileDomainMustBeADomainNameAndIsNotEchoed() {
        SharingReviewRequest request = Json.mapper().readValue("""
                {"sharer":{"name":"s","type":"SOC_MSSP_OPERATOR"},"recipients":[{"name":"r","type":"NONPROFIT_CSIRT"}],
                 "items":[{"category":"C2_DESTINATION","value":"203.0.113.45"}],
                 "victimProfile":{"domains":["acme-mfg.co.jp","SecretVictimCorp..jp","*.acme.example"]}}""", SharingReviewRequest.class);
        InvalidFactsException e =
                catchThrowableOfType(InvalidFactsException.class, () -> KB.review(request, Locale.ENGLISH));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.pointer()).isEqualTo("/victimProfile/domains/1");
            assertThat(p.detail()).doesNotContain("SecretVictimCorp");
        });
    }
}
