package io.kakunin.service.storage;

import io.kakunin.service.web.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * The position in a listing: the id of the last record of a page (ids are UUID version 7, so
 * their order is their creation order), encoded so that clients treat it as opaque.
 */
public final class Cursor {

    private Cursor() {}

    public static String after(UUID id) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(id.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** The id a cursor stands for; a cursor the service did not give is a 400 naming {@code cursor}. */
    public static UUID parse(String cursor) {
        try {
            return UUID.fromString(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(
                    "cursor", "is not a cursor this service gave; pass the nextCursor of the previous page");
        }
    }
}
