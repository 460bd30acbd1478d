package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.Assessment;
import io.kakunin.api.model.AssessmentRequest;
import io.kakunin.api.model.EffectiveOutcome;
import io.kakunin.api.model.Level;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.OverallOutcome;
import io.kakunin.api.model.Result;
import io.kakunin.api.model.Waiver;
import io.kakunin.fixtures.Fixtures;
import io.kakunin.kb.input.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The governance overlay: what a waiver changes in a verdict, and what it never changes. */
class WaiversTests {

    private static final Ruleset KB = Ruleset.builtIn();
    private static final Instant NOW = Instant.parse("2026-12-03T00:00:00Z");
    private static final UUID ID = UUID.fromString("01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69");

    /** NetCam 200 of acme-iot ships with one default password on every device: PS-4.2 (MUST) fails. */
    private static AssessmentRequest sharedPassword() {
        Path file = Fixtures.root().resolve("product-security/ps-4.2-shared-default-password-fails/request.json");
        try (var in = java.nio.file.Files.newInputStream(file)) {
            return Json.mapper().readValue(in, AssessmentRequest.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Assessment verdict() {
        return KB.assess(sharedPassword().assessmentDate(LocalDate.parse("2026-12-03")), null);
    }

    /** A waiver of PS-4.2 for acme-iot, approved, in force from a day before NOW until the end of March 2027 in Tokyo. */
    private static Waiver waiver() {
        return new Waiver()
                .id(ID)
                .organizationId("acme-iot")
                .recommendationId("PS-4.2")
                .justification("Legacy hardware; replaced in the March 2027 refresh.")
                .evidence("https://grc.example.jp/risk-register/RA-2026-114")
                .startsAt(OffsetDateTime.parse("2026-12-02T00:00:00Z"))
                .expiresOn(LocalDate.parse("2027-03-31"))
                .timeZone("Asia/Tokyo")
                .requestedBy("key:requester")
                .approvedBy("key:risk-owner")
                .approvedAt(OffsetDateTime.parse("2026-12-02T00:00:00Z"));
    }

    private static Result ps42(Assessment verdict) {
        return verdict.getResults().stream()
                .filter(r -> r.getRecommendationId().equals("PS-4.2")
                        && r.getSubject().equals("/products/0"))
                .findFirst()
                .orElseThrow();
    }

    private static boolean anotherMustFails(Assessment verdict) {
        return verdict.getResults().stream()
                .anyMatch(r -> r.getLevel() == Level.MUST
                        && r.getOutcome() == Outcome.FAIL
                        && !r.getRecommendationId().equals("PS-4.2"));
    }

    @Test
    void everyVerdictCarriesEffectiveOutcomesEvenWithoutAWaiver() {
        Assessment verdict = verdict();
        assertThat(verdict.getResults())
                .allSatisfy(r -> assertThat(r.getEffectiveOutcome().getValue())
                        .isEqualTo(r.getOutcome().getValue()));
        assertThat(ps42(verdict).getSubjectId()).isEqualTo("cam-200");
        assertThat(verdict.getOverallOutcome()).isEqualTo(OverallOutcome.NON_COMPLIANT);
        assertThat(verdict.getCounts().getWaived()).isZero();
    }

    @Test
    void aWaivedFailureKeepsItsOutcomeAndCountsAsWaived() {
        Assessment verdict = verdict();
        int failed = verdict.getCounts().getFail();
        int ps4Failed = verdict.getMeasures().stream()
                .filter(m -> m.getMeasure().equals("PS-4"))
                .findFirst()
                .orElseThrow()
                .getCounts()
                .getFail();

        Waivers.apply(verdict, List.of(waiver()), NOW);

        Result result = ps42(verdict);
        assertThat(result.getOutcome()).isEqualTo(Outcome.FAIL);
        assertThat(result.getEffectiveOutcome()).isEqualTo(EffectiveOutcome.WAIVED);
        assertThat(result.getEvidence()).containsExactly("/products/0/defaultPasswordPolicy");
        assertThat(result.getWaiver().getId()).isEqualTo(ID);
        assertThat(result.getWaiver().getJustification()).startsWith("Legacy hardware");
        assertThat(result.getWaiver().getExpiresAt()).isEqualTo(OffsetDateTime.parse("2027-03-31T15:00:00Z"));
        assertThat(verdict.getCounts().getFail()).isEqualTo(failed - 1);
        assertThat(verdict.getCounts().getWaived()).isEqualTo(1);
        var ps4 = verdict.getMeasures().stream()
                .filter(m -> m.getMeasure().equals("PS-4"))
                .findFirst()
                .orElseThrow();
        assertThat(ps4.getCounts().getFail()).isEqualTo(ps4Failed - 1);
        assertThat(ps4.getCounts().getWaived()).isEqualTo(1);
        assertThat(ps4.getByLevel().get(0).getLevel()).isEqualTo(Level.MUST);
        assertThat(ps4.getByLevel().get(0).getCounts().getWaived()).isEqualTo(1);
        assertThat(anotherMustFails(verdict))
                .as("the fixture fails PS-4.2 alone among MUST items")
                .isFalse();
        assertThat(verdict.getOverallOutcome()).isNotEqualTo(OverallOutcome.NON_COMPLIANT);
    }

    @Test
    void applyingAgainRecomputesFromTheOutcomesSoAWaiverLeftOutStopsApplying() {
        Assessment verdict = Waivers.apply(verdict(), List.of(waiver()), NOW);
        Waivers.apply(verdict, List.of(), NOW);
        assertThat(ps42(verdict).getEffectiveOutcome()).isEqualTo(EffectiveOutcome.FAIL);
        assertThat(ps42(verdict).getWaiver()).isNull();
        assertThat(verdict.getOverallOutcome()).isEqualTo(OverallOutcome.NON_COMPLIANT);
        assertThat(verdict.getCounts().getWaived()).isZero();
    }

    /**
     * inspec#5570: a date alone is the end of that day in the waiver's own time zone, and the
     * waiver stops applying at that very instant; the same date in another zone is another instant.
     */
    @Test
    void aWaiverStopsApplyingAtTheExactInstantItExpiresInItsOwnTimeZone() {
        Waiver tokyo = waiver();
        Instant tokyoEnd = Instant.parse("2027-03-31T15:00:00Z"); // 2027-04-01T00:00+09:00
        assertThat(Waivers.expiresAt(tokyo)).isEqualTo(tokyoEnd);
        assertWaivedJustBefore(tokyo, tokyoEnd);

        Waiver losAngeles = waiver().timeZone("America/Los_Angeles");
        Instant losAngelesEnd = Instant.parse("2027-04-01T07:00:00Z"); // 2027-04-01T00:00-07:00 (daylight time)
        assertThat(Waivers.expiresAt(losAngeles)).isEqualTo(losAngelesEnd);
        assertWaivedJustBefore(losAngeles, losAngelesEnd);

        Waiver instant =
                waiver().expiresOn(null).timeZone(null).expiresAt(OffsetDateTime.parse("2027-03-31T23:59:59+09:00"));
        assertWaivedJustBefore(instant, Instant.parse("2027-03-31T14:59:59Z"));
    }

    private static void assertWaivedJustBefore(Waiver waiver, Instant expiry) {
        assertThat(ps42(Waivers.apply(verdict(), List.of(waiver), expiry.minusNanos(1)))
                        .getEffectiveOutcome())
                .as("a nanosecond before %s", expiry)
                .isEqualTo(EffectiveOutcome.WAIVED);
        assertThat(ps42(Waivers.apply(verdict(), List.of(waiver), expiry)).getEffectiveOutcome())
                .as("at %s", expiry)
                .isEqualTo(EffectiveOutcome.FAIL);
        assertThat(ps42(Waivers.apply(verdict(), List.of(waiver), Instant.parse("2027-01-01T00:00:00Z")))
                        .getEffectiveOutcome())
                .as("on 1 January (inspec#5570)")
                .isEqualTo(EffectiveOutcome.WAIVED);
    }

    @Test
    void aWaiverNeverHidesMissingInformation() {
        AssessmentRequest request = sharedPassword().assessmentDate(LocalDate.parse("2026-12-03"));
        request.getProducts().get(0).defaultPasswordPolicy(null);
        Assessment verdict = KB.assess(request, null);
        assertThat(ps42(verdict).getOutcome()).isEqualTo(Outcome.NEEDS_INFORMATION);
        OverallOutcome before = verdict.getOverallOutcome();

        Waivers.apply(verdict, List.of(waiver(), waiver().recommendationId(null).measure("PS-4")), NOW);

        assertThat(verdict.getResults())
                .filteredOn(r -> r.getOutcome() == Outcome.NEEDS_INFORMATION)
                .isNotEmpty()
                .allSatisfy(r -> {
                    assertThat(r.getEffectiveOutcome()).isEqualTo(EffectiveOutcome.NEEDS_INFORMATION);
                    assertThat(r.getWaiver()).isNull();
                });
        assertThat(verdict.getOverallOutcome()).isEqualTo(before);
    }

    @Test
    void aMeasureWaiverCoversEveryFailureOfTheMeasure() {
        Assessment verdict =
                Waivers.apply(verdict(), List.of(waiver().recommendationId(null).measure("PS-4")), NOW);
        assertThat(verdict.getResults())
                .filteredOn(r -> "PS-4".equals(r.getMeasure()) && r.getOutcome() == Outcome.FAIL)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getEffectiveOutcome()).isEqualTo(EffectiveOutcome.WAIVED));
    }

    @Test
    void onlyAnApprovedWaiverInForceForTheSameOrganizationAndProductApplies() {
        List<Waiver> none = List.of(
                waiver().approvedBy(null).approvedAt(null), // awaiting approval
                waiver().approvedAt(OffsetDateTime.parse("2026-12-04T00:00:00Z")), // approved after NOW
                waiver().revokedAt(OffsetDateTime.parse("2026-12-03T00:00:00Z")), // revoked at NOW
                waiver().startsAt(OffsetDateTime.parse("2026-12-03T00:00:00.000000001Z")), // starts after NOW
                waiver().organizationId("other-org"),
                waiver().productId("cam-100"), // another product
                waiver().recommendationId("PS-4.3"),
                waiver().expiresOn(null)); // no expiry: applies to nothing
        for (Waiver w : none) {
            assertThat(ps42(Waivers.apply(verdict(), List.of(w), NOW)).getEffectiveOutcome())
                    .as("%s", w)
                    .isEqualTo(EffectiveOutcome.FAIL);
        }
        assertThat(ps42(Waivers.apply(verdict(), List.of(waiver().productId("cam-200")), NOW))
                        .getEffectiveOutcome())
                .isEqualTo(EffectiveOutcome.WAIVED);
        assertThat(ps42(Waivers.apply(
                                verdict(),
                                List.of(waiver().revokedAt(OffsetDateTime.parse("2026-12-03T00:00:00.000000001Z"))),
                                NOW))
                        .getEffectiveOutcome())
                .as("revoked only after the instant evaluated as of")
                .isEqualTo(EffectiveOutcome.WAIVED);
    }

    @Test
    void ofTwoWaiversThatCoverAResultTheLongerLastingIsShown() {
        UUID later = UUID.fromString("01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a70");
        Assessment verdict = Waivers.apply(
                verdict(), List.of(waiver(), waiver().id(later).expiresOn(LocalDate.parse("2027-06-30"))), NOW);
        assertThat(ps42(verdict).getWaiver().getId()).isEqualTo(later);
    }

    @Test
    void theCheckNamesEveryFieldAWaiverGetsWrong() {
        assertThat(Waivers.check(waiver())).isEmpty();
        assertThat(Waivers.check(new Waiver()
                        .measure("PS-4")
                        .recommendationId("PS-4.2")
                        .expiresOn(LocalDate.parse("2026-01-01"))
                        .timeZone("Mars/Olympus_Mons")))
                .extracting(p -> p.pointer() + " " + p.fault())
                .containsExactly(
                        "/id REQUIRED",
                        "/organizationId REQUIRED",
                        "/justification REQUIRED",
                        "/evidence REQUIRED",
                        "/startsAt REQUIRED",
                        "/requestedBy REQUIRED",
                        "/measure SCOPE_TWICE",
                        "/timeZone TIME_ZONE_UNKNOWN");
        assertThat(Waivers.check(waiver().expiresOn(LocalDate.parse("2026-12-01"))))
                .extracting(Waivers.Problem::fault)
                .containsExactly(Waivers.Fault.EXPIRES_BEFORE_START);
        assertThat(Waivers.check(waiver().timeZone(null)))
                .extracting(Waivers.Problem::fault)
                .containsExactly(Waivers.Fault.TIME_ZONE_MISSING);
        assertThat(Waivers.check(waiver().expiresAt(OffsetDateTime.of(2027, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))))
                .extracting(Waivers.Problem::fault)
                .containsExactly(Waivers.Fault.EXPIRY_TWICE);
    }

    @Test
    void aWaiverApprovedByWhoeverRequestedItIsRefusedAsTheServiceRefusesTheApproval() {
        assertThat(Waivers.check(waiver().requestedBy("k.tanaka").approvedBy(" K.Tanaka ")))
                .extracting(p -> p.pointer() + " " + p.fault())
                .containsExactly("/approvedBy APPROVED_BY_REQUESTER");
        assertThat(Waivers.check(waiver().requestedBy("m.sato").approvedBy("k.tanaka")))
                .isEmpty();
        assertThat(Waivers.check(waiver().requestedBy("m.sato").approvedBy(null)))
                .as("a request not yet approved is no fault; it is in force nowhere")
                .isEmpty();

        WaiverFiles.Read read = WaiverFiles.read("""
                - id: 01936d3f-7a6c-7cc1-9a2e-3f1d2c4b5a69
                  organizationId: acme-iot
                  recommendationId: PS-4.2
                  justification: Legacy hardware.
                  evidence: https://risk.example.jp/RA-2026-114
                  startsAt: 2026-01-01T00:00:00Z
                  expiresOn: 2027-03-31
                  timeZone: Asia/Tokyo
                  requestedBy: m.sato
                  approvedBy: m.sato
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(read.waivers()).as("none of it is applied").isEmpty();
        assertThat(read.problems())
                .extracting(WaiverFiles.Problem::toString)
                .containsExactly("waiver 0 /approvedBy: the requester cannot approve their own waiver:"
                        + " another person approves it");
    }
}
