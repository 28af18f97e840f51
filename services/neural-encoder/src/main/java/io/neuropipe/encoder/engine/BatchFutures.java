package io.neuropipe.encoder.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.neuropipe.runtime.step.StepException;
import io.neuropipe.runtime.step.TransientStepException;

/** Waits for a result of a {@link io.neuropipe.runtime.batch.DynamicBatcher}, turning its failures into step exceptions. */
final class BatchFutures {

    private static final long TIMEOUT_SECONDS = 60;

    private BatchFutures() {
    }

    /** The result; a step exception as thrown, a full queue or a timeout as transient, anything else wrapped. */
    static <T> T await(Future<T> result, String encoder) {
        try {
            return result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StepException se) {
                throw se;
            }
            if (e.getCause() instanceof RejectedExecutionException) {
                throw new TransientStepException(encoder + " is overloaded: " + e.getCause().getMessage(), e.getCause());
            }
            throw new IllegalStateException(encoder + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientStepException("Interrupted while encoding", e);
        } catch (TimeoutException e) {
            throw new TransientStepException(encoder + " did not answer in " + TIMEOUT_SECONDS + " s", e);
        }
    }
}
