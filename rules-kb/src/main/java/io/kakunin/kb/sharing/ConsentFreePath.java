package io.kakunin.kb.sharing;

/**
 * Whether the consent-free path of the report is open, as decided by the MUST items of IS-1,
 * IS-2, IS-3 and IS-5: OPEN when nothing but redactions stands in the way; CLOSED when something
 * that the victim's consent would settle does; BLOCKED when something that not even consent
 * settles does; UNDECIDED when facts that decide it are missing. Inserted after the first pass
 * of the rules, for the rules of IS-4.
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

    public ConsentFreePath(State state, java.util.List<String> missingFacts) {
        this(state, missingFacts, false);
    }

    private ConsentFreePath(State state, java.util.List<String> missingFacts, boolean nothingRemains) {
        this.state = state;
        this.missingFacts = missingFacts.toArray(String[]::new);
        this.nothingRemains = nothingRemains;
    }

    /**
     * The path the conditions left open, closed because the redactions would remove every shared
     * object: nothing would remain to share without consent. IS-4.1 says so with its own reason.
     */
    public static ConsentFreePath closedAsNothingRemains() {
        return new ConsentFreePath(State.CLOSED, java.util.List.of(), true);
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
