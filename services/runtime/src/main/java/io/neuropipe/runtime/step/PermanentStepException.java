package io.neuropipe.runtime.step;

import io.neuropipe.proto.v1.ErrorCode;

/** A failure that retrying cannot fix (bad input, unknown entity, model contract). */
public class PermanentStepException extends StepException {

    public PermanentStepException(ErrorCode code, String message) {
        super(code, message, null);
    }

    public PermanentStepException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
