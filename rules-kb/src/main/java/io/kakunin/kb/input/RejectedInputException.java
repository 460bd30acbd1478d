package io.kakunin.kb.input;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * A value read from a request that the strict reading refuses for a reason stated for people:
 * its message is the whole explanation, shown as is next to the field's JSON Pointer.
 */
public class RejectedInputException extends MismatchedInputException {

    private static final long serialVersionUID = 1L;

    public RejectedInputException(JsonParser p, String message, Class<?> targetType) {
        super(p, message, targetType);
    }
}
