package io.neuropipe.gateway.job;

import io.neuropipe.proto.v1.ErrorCode;

/** A job request the gateway refuses; names the offending field, e.g. {@code inputs.eeg.shape}. */
public class InvalidInputException extends RuntimeException {

    private final String field;
    private final ErrorCode code;

    public InvalidInputException(String field, String message, ErrorCode code) {
        super(message);
        this.field = field;
        this.code = code;
    }

    public InvalidInputException(String field, String message) {
        this(field, message, ErrorCode.INVALID_INPUT);
    }

    public String field() {
        return field;
    }

    /** INVALID_INPUT, or SHAPE_MISMATCH when a tensor does not fit the model. */
    public ErrorCode code() {
        return code;
    }
}
