package io.neuropipe.runtime.step;

import io.neuropipe.proto.v1.ErrorCode;

/** An input that is malformed or out of range; the message names the input. */
public class InvalidInputException extends PermanentStepException {

    public InvalidInputException(String message) {
        super(ErrorCode.INVALID_INPUT, message);
    }

    public InvalidInputException(ErrorCode code, String message) {
        super(code, message);
    }
}
