package io.neuropipe.runtime.step;

import io.neuropipe.proto.v1.ErrorCode;

/**
 * Base of every failure a step reports. Subclasses decide retries: {@link TransientStepException}
 * is retried by the binder; everything else fails the job at once and goes to the DLQ.
 */
public abstract class StepException extends RuntimeException {

    private final ErrorCode code;

    protected StepException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
