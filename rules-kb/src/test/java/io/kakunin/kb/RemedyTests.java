package io.kakunin.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.kakunin.api.model.ConsentStatus;
import io.kakunin.api.model.Level;
import io.kakunin.api.model.Outcome;
import io.kakunin.api.model.SharingDecision;
import io.kakunin.kb.ruleset.Remedy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sharing decision fails closed: a remedy it does not know (or none) is BLOCK, so a
 * misspelt remedy that slipped past the ruleset check could never open the consent-free path.
 */
class RemedyTests {

    @Test
    void onlyTheFourRemediesAreKnownExactlyAsWritten() {
        assertThat(Remedy.parse("REDACT")).contains(Remedy.REDACT);
        assertThat(Remedy.parse("REDCT")).isEmpty();
        assertThat(Remedy.parse("redact")).isEmpty();
        assertThat(Remedy.parse(null)).isEmpty();
    }

    @Test
    void aFailingRuleWithAnUnknownRemedyOrNoneBlocks() {
        assertThat(Remedy.onFailure("REDCT")).isEqualTo(Remedy.BLOCK);
        assertThat(Remedy.onFailure("")).isEqualTo(Remedy.BLOCK);
        assertThat(Remedy.onFailure(null)).isEqualTo(Remedy.BLOCK);
        assertThat(Remedy.onFailure("MARK")).isEqualTo(Remedy.MARK);
    }

    @Test
    void theDecisionOnAFailingMustItemWithAMisspeltRemedyIsDoNotShare() {
        SharingReviewer.Item misspelt =
                new SharingReviewer.Item(Level.MUST, Outcome.FAIL, Set.of(Remedy.onFailure("REDCT")));
        SharingReviewer.Item passing = new SharingReviewer.Item(Level.MUST, Outcome.PASS, Set.of());
        assertThat(SharingReviewer.decide(ConsentStatus.NONE, List.of(passing, misspelt)))
                .isEqualTo(SharingDecision.DO_NOT_SHARE);
        assertThat(SharingReviewer.decide(ConsentStatus.OBTAINED, List.of(misspelt)))
                .isEqualTo(SharingDecision.DO_NOT_SHARE);
    }

    @Test
    void theDecisionFollowsTheRemediesItKnows() {
        SharingReviewer.Item redact = new SharingReviewer.Item(Level.MUST, Outcome.FAIL, Set.of(Remedy.REDACT));
        SharingReviewer.Item consent = new SharingReviewer.Item(Level.MUST, Outcome.FAIL, Set.of(Remedy.CONSENT));
        SharingReviewer.Item undecided = new SharingReviewer.Item(Level.MUST, Outcome.NEEDS_INFORMATION, Set.of());
        SharingReviewer.Item passing = new SharingReviewer.Item(Level.MUST, Outcome.PASS, Set.of());
        assertThat(SharingReviewer.decide(ConsentStatus.NONE, List.of(passing)))
                .isEqualTo(SharingDecision.SHARE_WITHOUT_CONSENT);
        assertThat(SharingReviewer.decide(ConsentStatus.NONE, List.of(redact)))
                .isEqualTo(SharingDecision.SHARE_AFTER_REDACTION);
        assertThat(SharingReviewer.decide(ConsentStatus.NONE, List.of(redact, undecided)))
                .isEqualTo(SharingDecision.CONSENT_REQUIRED);
        assertThat(SharingReviewer.decide(ConsentStatus.NONE, List.of(redact, consent)))
                .isEqualTo(SharingDecision.CONSENT_REQUIRED);
        assertThat(SharingReviewer.decide(ConsentStatus.REFUSED, List.of(consent)))
                .isEqualTo(SharingDecision.DO_NOT_SHARE);
    }

    @Test
    void aMustItemThatFailsForARedactionButAlsoAsksForFactsKeepsTheShareBack() {
        SharingReviewer.Item redactAndAsk =
                new SharingReviewer.Item(Level.MUST, Outcome.FAIL, Set.of(Remedy.REDACT), true);
        assertThat(SharingReviewer.decide(ConsentStatus.NONE, List.of(redactAndAsk)))
                .isEqualTo(SharingDecision.CONSENT_REQUIRED);
        SharingReviewer.Item adviceThatAsks = new SharingReviewer.Item(Level.SHOULD, Outcome.FAIL, Set.of(), true);
        assertThat(SharingReviewer.decide(ConsentStatus.NONE, List.of(adviceThatAsks)))
                .isEqualTo(SharingDecision.SHARE_WITHOUT_CONSENT);
    }
}
