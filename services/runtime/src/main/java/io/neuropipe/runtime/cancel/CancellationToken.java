package io.neuropipe.runtime.cancel;

import io.neuropipe.runtime.step.JobCancelledException;

/** Tells a long-running step that its job was cancelled; poll it once per iteration of the loop. */
@FunctionalInterface
public interface CancellationToken {

    /** A token for work that is never cancelled (tests, OIP calls). */
    CancellationToken NONE = () -> false;

    boolean isCancelled();

    /** Ends the step with a CANCELLED outcome when the job was cancelled. */
    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new JobCancelledException("Job cancelled while the step was running");
        }
    }
}
