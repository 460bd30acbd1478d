package io.kakunin.service.web;

/**
 * Part of a request the API never repeats, not even to its sender in an error: the JSON Pointer
 * of a member whose values, and whose members' names, stay out of every problem detail. A
 * feature declares such a member as a bean; {@link Problems} then names a field under it that
 * cannot be read without quoting what was sent.
 *
 * @param pointer the member, such as {@code /victimProfile}; everything under it is covered
 */
public record NeverEchoed(String pointer) {

    public NeverEchoed {
        if (pointer == null || !pointer.startsWith("/") || pointer.endsWith("/")) {
            throw new IllegalArgumentException("a JSON Pointer to a member is expected, not '" + pointer + "'");
        }
    }

    /** Whether {@code pointer} is this member or lies under it ({@code /victimProfile/names/0}, not {@code /victimProfileX}). */
    public boolean covers(String other) {
        return other.equals(pointer) || other.startsWith(pointer + "/");
    }
}
