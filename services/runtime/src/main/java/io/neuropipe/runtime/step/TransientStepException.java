package io.neuropipe.runtime.step;

import io.neuropipe.proto.v1.ErrorCode;

/** A failure that may pass (overload, broker or database unavailable): retried with back-off. */
public class TransientStepException extends StepException {

    public TransientStepException(String message, Throwable cause) {
        super(ErrorCode.UNAVAILABLE, message, cause);
    }
}
