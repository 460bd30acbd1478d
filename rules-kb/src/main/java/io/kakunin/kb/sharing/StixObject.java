package io.kakunin.kb.sharing;

import io.kakunin.api.model.TlpLevel;

/**
 * One object of a submitted STIX bundle, as the sharing rules see it: its type and ID, the TLP
 * level its markings give it, and what the inspector found about it (a victim identity, a
 * sighting at the victim, an identity that may be the victim's or the sharer's, the most
 * restrictive marking among the objects it refers to).
 */
public final class StixObject {

    private final String pointer;
    private final String type;
    private final String id;
    private final TlpLevel tlp;
    private final boolean tlp1;
    private final String identityClass;
    private final boolean victim;
    private final boolean ambiguous;
    private final boolean sightedAtVictim;
    private final TlpLevel referencedMaxTlp;

    StixObject(
            String pointer,
            String type,
            String id,
            TlpLevel tlp,
            boolean tlp1,
            String identityClass,
            boolean victim,
            boolean ambiguous,
            boolean sightedAtVictim,
            TlpLevel referencedMaxTlp) {
        this.pointer = pointer;
        this.type = type;
        this.id = id;
        this.tlp = tlp;
        this.tlp1 = tlp1;
        this.identityClass = identityClass;
        this.victim = victim;
        this.ambiguous = ambiguous;
        this.sightedAtVictim = sightedAtVictim;
        this.referencedMaxTlp = referencedMaxTlp;
    }

    /** The JSON Pointer of the object in the request ({@code /stix/objects/3}). */
    public String getPointer() {
        return pointer;
    }

    /** The STIX type ({@code indicator}, {@code identity}, ...). */
    public String getType() {
        return type;
    }

    public String getId() {
        return id;
    }

    /** The TLP level of the object's markings, or null when it carries no TLP marking. */
    public TlpLevel getTlp() {
        return tlp;
    }

    /** Whether the object is marked with TLP 1.0 definitions. */
    public boolean isTlp1() {
        return tlp1;
    }

    /** For an identity, its identity_class. */
    public String getIdentityClass() {
        return identityClass;
    }

    /** For an identity: whether it represents the victim (profile match, sighted at, or targeted). */
    public boolean isVictim() {
        return victim;
    }

    /**
     * For an identity: whether its name reads as the victim's while it may be the sharer (it made
     * objects of the bundle, or its name is the sharer's or part of it). Left as it is; IS-7.2 asks.
     */
    public boolean isAmbiguous() {
        return ambiguous;
    }

    /** For a sighting: whether where_sighted_refs name a victim identity that is not class-level. */
    public boolean isSightedAtVictim() {
        return sightedAtVictim;
    }

    /** For a report, grouping, note or opinion: the most restrictive TLP among the objects it refers to. */
    public TlpLevel getReferencedMaxTlp() {
        return referencedMaxTlp;
    }

    /** Whether the object is marked at least as restrictively as a level. */
    public boolean markedAtLeast(TlpLevel level) {
        return level == null || (tlp != null && tlp.ordinal() >= level.ordinal());
    }

    @Override
    public String toString() {
        return type + " " + id + " at " + pointer;
    }
}
