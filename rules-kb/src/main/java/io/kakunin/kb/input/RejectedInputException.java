package io.kakunin.kb.input;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * A value read from a request that the strict reading refuses, for a reason it states as an
 * {@link InputFault} (its message is the fault in English). Reading goes on past it
 * ({@link ReadFaults}) unless it {@link #stopsReading()}.
 */
public class RejectedInputException extends MismatchedInputException {

    private static final long serialVersionUID = 1L;

    private final transient InputFault fault;

    /**
     * @param p          the parser, on the refused value: where it stands names the field
     * @param kind       what is wrong
     * @param targetType the type the value was to be read as
     * @param facts      the fault's facts, as name, value pairs
     */
    public RejectedInputException(JsonParser p, InputFault.Kind kind, Class<?> targetType, Object... facts) {
        this(p, InputFault.of(p == null ? "" : ReadFaults.pointer(p), kind, facts), targetType);
    }

    protected RejectedInputException(JsonParser p, InputFault fault, Class<?> targetType) {
        super(p, fault.english(), targetType);
        this.fault = fault;
    }

    /** What is wrong, at the place the parser stood when it was found. */
    public InputFault fault() {
        return fault;
    }

    /** Whether reading must stop here (a limit whose point is to stop reading), rather than go on to the next field. */
    public boolean stopsReading() {
        return false;
    }
}
