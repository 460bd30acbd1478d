package io.kakunin.kb.sharing;

import io.kakunin.api.model.RedistributionScope;
import io.kakunin.api.model.TlpLevel;

/**
 * The TLP the share must carry, worked out before the rules run: the most restrictive of the
 * sharer's proposal, what the content needs (GREEN for de-identified attack technique
 * information, AMBER for raw samples, RED for victim information shared with consent) and the
 * markings the bundle already carries (a marking is never relaxed). With the victim's consent,
 * the marking the sharer proposes is the one the victim agreed to; so the marking the share
 * would need with consent is worked out too, to tell "consent would allow this" from "nothing
 * would".
 */
public final class ShareMarking {

    private final TlpLevel level;
    private final TlpLevel levelWithConsent;

    public ShareMarking(TlpLevel level, TlpLevel levelWithConsent) {
        this.level = level;
        this.levelWithConsent = levelWithConsent;
    }

    public TlpLevel getLevel() {
        return level;
    }

    /** How far recipients may pass the share on under its level. */
    public RedistributionScope getAllowedRedistribution() {
        return Tlp.allowedRedistribution(level);
    }

    /** The level the share would need if the victim consented to it as proposed. */
    public TlpLevel getLevelWithConsent() {
        return levelWithConsent;
    }

    /** Whether an intended redistribution goes beyond what the level allows. */
    public boolean exceededBy(RedistributionScope redistribution) {
        return redistribution != null
                && redistribution.ordinal() > getAllowedRedistribution().ordinal();
    }

    /** Whether it would go beyond it even with the victim's consent. */
    public boolean exceededEvenWithConsentBy(RedistributionScope redistribution) {
        return redistribution != null
                && redistribution.ordinal()
                        > Tlp.allowedRedistribution(levelWithConsent).ordinal();
    }
}
