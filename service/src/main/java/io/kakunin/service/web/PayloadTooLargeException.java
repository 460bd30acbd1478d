package io.kakunin.service.web;

import java.io.IOException;

/**
 * A request body went past the configured limit. An {@link IOException}, so that it travels
 * out of the JSON parser unchanged and is answered 413 in one place.
 */
public class PayloadTooLargeException extends IOException {

    private final long limit;

    public PayloadTooLargeException(long limit) {
        super("the request body is larger than " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
