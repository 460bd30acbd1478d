package io.kakunin.kb.sharing;

import io.kakunin.api.model.IdentifierFlag;

/**
 * Something in the share that identifies or points to the victim: where it was found (JSON
 * Pointer of the property), in which object or item, what kind it is, and the text as it
 * appears there.
 */
public final class Identifier {

    /** Where an identifier was found. */
    public enum Source {
        /** Flagged by the sharer on a structured item, or found in its value or description. */
        ITEM,
        /** In the value of a cyber-observable or in an indicator's pattern. */
        STIX_VALUE,
        /** In free text: names, descriptions, labels, notes, external references. */
        STIX_TEXT,
        /** A location that places the victim more precisely than its country. */
        STIX_LOCATION
    }

    private final String pointer;
    private final String objectPointer;
    private final IdentifierFlag kind;
    private final String found;
    private final Source source;
    private final boolean inPropertyName;

    public Identifier(String pointer, String objectPointer, IdentifierFlag kind, String found, Source source) {
        this(pointer, objectPointer, kind, found, source, false);
    }

    /**
     * An identifier; {@code inPropertyName} when it was found in the name of the property the
     * pointer ends at (a custom property, a header or dictionary key), not in its value.
     */
    public Identifier(
            String pointer,
            String objectPointer,
            IdentifierFlag kind,
            String found,
            Source source,
            boolean inPropertyName) {
        this.pointer = pointer;
        this.objectPointer = objectPointer;
        this.kind = kind;
        this.found = found;
        this.source = source;
        this.inPropertyName = inPropertyName;
    }

    /** Whether it was found in the property's name (the last token of the pointer) rather than its value. */
    public boolean isInPropertyName() {
        return inPropertyName;
    }

    public String getPointer() {
        return pointer;
    }

    public String getObjectPointer() {
        return objectPointer;
    }

    public IdentifierFlag getKind() {
        return kind;
    }

    public String getFound() {
        return found;
    }

    public Source getSource() {
        return source;
    }

    /** Whether it was found in a STIX bundle (value, text or location) rather than a structured item. */
    public boolean isInStix() {
        return source != Source.ITEM;
    }

    @Override
    public String toString() {
        return kind + " at " + pointer;
    }
}
