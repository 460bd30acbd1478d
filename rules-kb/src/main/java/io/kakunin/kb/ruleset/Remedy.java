package io.kakunin.kb.ruleset;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a failing sharing rule asks for, written as {@code @remedy("…")} on the rule. The set is
 * closed: the ruleset check refuses any other value, and the decision treats a value it does not
 * know (or none) as {@link #BLOCK}, so a misspelt remedy can never open the consent-free path.
 */
public enum Remedy {
    /** Not even the victim's consent makes the share acceptable: DO_NOT_SHARE. */
    BLOCK,
    /** Only the victim's consent makes it acceptable: CONSENT_REQUIRED (DO_NOT_SHARE when refused). */
    CONSENT,
    /** Removing what the rule points at makes it acceptable: SHARE_AFTER_REDACTION. */
    REDACT,
    /** Marking the share (TLP) makes it acceptable: SHARE_AFTER_REDACTION. */
    MARK;

    /** The values an officer may write, for messages: {@code BLOCK, CONSENT, REDACT, MARK}. */
    public static final String ALLOWED = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

    /** The remedy a value names exactly (case-sensitive), if it names one. */
    public static Optional<Remedy> parse(String value) {
        for (Remedy r : values()) {
            if (r.name().equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * The remedy a failing rule stands for in a decision: the one it names, and {@link #BLOCK}
     * when it names none or one this engine does not know. Fail closed, always.
     */
    public static Remedy onFailure(String value) {
        return parse(value).orElse(BLOCK);
    }

    /** Whether the remedy is an edit of the share (it may still go out once edited). */
    public boolean isEdit() {
        return this == REDACT || this == MARK;
    }
}
