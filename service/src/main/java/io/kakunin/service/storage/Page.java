package io.kakunin.service.storage;

import java.util.List;

/**
 * One page of a listing, newest first, and the opaque cursor of the next page (null on the last).
 */
public record Page<T>(List<T> items, String nextCursor) {

    public Page {
        items = List.copyOf(items);
    }
}
