package io.neuropipe.runtime.step;

import io.neuropipe.proto.v1.ErrorCode;

/** The job's deadline passed while the step was running or waiting; it reports DEADLINE_EXCEEDED (no retry, no DLQ). */
public class DeadlineExceededException extends StepException {

    public DeadlineExceededException(String message) {
        super(ErrorCode.DEADLINE_EXCEEDED, message, null);
    }
}
