package io.neuropipe.runtime.step;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.neuropipe.runtime.blob.BlobUnavailableException;
import io.neuropipe.runtime.cancel.CancellationToken;
import io.neuropipe.runtime.retry.OutageBackoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a part of a step (reading its claim-checked inputs, storing its large outputs) again, with
 * back-off, while it fails only because the blob store cannot be reached, for up to
 * {@code neuropipe.blobs.outage-wait} counted from the start of the outage. The record's offset is
 * not committed meanwhile. The binder's 3 quick attempts would otherwise fail every claim-checked
 * job that arrives during a PostgreSQL restart (UNAVAILABLE, DLQ). The job's deadline wins
 * ({@link DeadlineExceededException}), and so does its cancellation. An outage longer than the wait
 * goes on as a {@link TransientStepException} (the binder's retries, then UNAVAILABLE and the DLQ);
 * the outage clock is shared, so records arriving after the wait ran out fail fast until the store
 * answers again and a consumer never holds its partition past {@code max.poll.interval.ms}.
 */
public final class BlobOutageWait {

    private static final Logger log = LoggerFactory.getLogger(BlobOutageWait.class);
    private static final long NO_OUTAGE = Long.MIN_VALUE;

    private final Duration wait;
    private final long waitNanos;
    private final AtomicLong outageSince = new AtomicLong(NO_OUTAGE);

    public BlobOutageWait(Duration wait) {
        this.wait = wait;
        this.waitNanos = wait.toNanos();
    }

    /**
     * The result of {@code part}, retried while the blob store is unreachable.
     *
     * @param deadlineEpochMs the job's deadline (0: none)
     */
    public <T> T call(Supplier<T> part, long deadlineEpochMs, CancellationToken cancellation) {
        OutageBackoff backoff = new OutageBackoff();
        int retries = 0;
        while (true) {
            try {
                T result = part.get();
                if (retries > 0 || outageSince.get() != NO_OUTAGE) {
                    outageSince.set(NO_OUTAGE);
                    log.info("Blob store reachable again; this record was retried {} times", retries);
                }
                return result;
            } catch (RuntimeException e) {
                BlobUnavailableException outage = outageIn(e);
                if (outage == null) {
                    throw e;
                }
                long now = System.nanoTime();
                outageSince.compareAndSet(NO_OUTAGE, now);
                if (now - outageSince.get() >= waitNanos) {
                    throw e instanceof StepException ? e : new TransientStepException(e.getMessage(), e);
                }
                if (cancellation.isCancelled()) {
                    throw new JobCancelledException("Job cancelled while waiting for the blob store");
                }
                long untilDeadlineMs = deadlineEpochMs > 0 ? deadlineEpochMs - System.currentTimeMillis() : Long.MAX_VALUE;
                if (untilDeadlineMs <= 0) {
                    throw new DeadlineExceededException("Deadline passed while the blob store was unreachable: "
                        + outage.getMessage());
                }
                if (retries++ == 0) {
                    log.warn("Blob store unreachable; retrying for up to {}: {}", wait, outage.getMessage());
                }
                if (!backoff.pause(untilDeadlineMs)) {
                    throw new TransientStepException("Interrupted while waiting for the blob store", e);
                }
            }
        }
    }

    private static BlobUnavailableException outageIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BlobUnavailableException u) {
                return u;
            }
        }
        return null;
    }
}
