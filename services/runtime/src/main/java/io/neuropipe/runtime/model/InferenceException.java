package io.neuropipe.runtime.model;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.PermanentStepException;

/** ONNX Runtime rejected a run (bad shapes, out of memory): the step fails with a reason. */
public class InferenceException extends PermanentStepException {

    public InferenceException(String message, Throwable cause) {
        super(ErrorCode.INTERNAL, message, cause);
    }
}
