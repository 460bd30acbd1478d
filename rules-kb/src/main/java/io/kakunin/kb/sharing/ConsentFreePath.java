package io.kakunin.kb.sharing;

/**
 * Whether the consent-free path of the report is open, as decided by the MUST items of IS-1,
 * IS-2, IS-3 and IS-5: OPEN when nothing but redactions stands in the way; CLOSED when something
 * that the victim's consent would settle does; BLOCKED when something that not even consent
 * settles does; UNDECIDED when facts that decide it are missing. When those items leave it open
 * but another MUST item of the share does not (a redistribution beyond the TLP, an identity that
 * may be the victim's), the path takes that item's state and says so ({@link #isByOtherItems}), so
 * that IS-4 never says "no consent is needed" next to a decision that asks for it. Inserted after
 * the first pass of the rules, for the rules of IS-4.
 */
public final class ConsentFreePath {

    /** The state of the path. */
    public enum State {
        OPEN,
        CLOSED,
        BLOCKED,
        UNDECIDED
    }

    private final State state;
    private final String[] missingFacts;
    private final boolean nothingRemains;
    private final String[] otherItems;

    public ConsentFreePath(State state, java.util.List<String> missingFacts) {
        this(state, missingFacts, false, java.util.List.of());
    }

    private ConsentFreePath(
            State state,
            java.util.List<String> missingFacts,
            boolean nothingRemains,
            java.util.List<String> otherItems) {
        this.state = state;
        this.missingFacts = missingFacts.toArray(String[]::new);
        this.nothingRemains = nothingRemains;
        this.otherItems = otherItems.toArray(String[]::new);
    }

    /**
     * The path the conditions left open, closed, blocked or undecided by MUST items outside them:
     * {@code pointers} are their evidence (closed, blocked) or the facts they need (undecided).
     */
    public static ConsentFreePath byOtherItems(State state, java.util.List<String> pointers) {
        if (state == State.OPEN || pointers.isEmpty()) {
            throw new IllegalArgumentException("other items decide the path only with the pointers that say why");
        }
        return new ConsentFreePath(state, state == State.UNDECIDED ? pointers : java.util.List.of(), false, pointers);
    }

    /**
     * The path the conditions left open, closed because the redactions would remove every shared
     * object: nothing would remain to share without consent. IS-4.1 says so with its own reason.
     */
    public static ConsentFreePath closedAsNothingRemains() {
        return new ConsentFreePath(State.CLOSED, java.util.List.of(), true, java.util.List.of());
    }

    /** Whether MUST items outside the conditions of the path, not the conditions, closed, blocked or held it. */
    public boolean isByOtherItems() {
        return otherItems.length > 0;
    }

    /** The pointers of what the items outside the conditions found or need (empty unless {@link #isByOtherItems}). */
    public String[] getOtherItems() {
        return otherItems.clone();
    }

    public boolean isNothingRemains() {
        return nothingRemains;
    }

    public State getState() {
        return state;
    }

    /** Pointers of the facts whose absence keeps the path undecided (those the MUST items asked for). */
    public String[] getMissingFacts() {
        return missingFacts.clone();
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    public boolean isBlocked() {
        return state == State.BLOCKED;
    }

    public boolean isUndecided() {
        return state == State.UNDECIDED;
    }
}
