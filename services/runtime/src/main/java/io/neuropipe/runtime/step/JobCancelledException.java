package io.neuropipe.runtime.step;

import io.neuropipe.proto.v1.ErrorCode;

/** The job was cancelled by its owner; the step stops and reports CANCELLED (no retry, no DLQ). */
public class JobCancelledException extends StepException {

    public JobCancelledException(String message) {
        super(ErrorCode.CANCELLED, message, null);
    }
}
