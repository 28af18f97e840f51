package io.neuropipe.gateway.events;

import java.time.Duration;

import io.neuropipe.gateway.config.StoreOutageProperties;
import io.neuropipe.gateway.job.StoreOutages;
import io.neuropipe.runtime.retry.OutageBackoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs a Kafka record's handling again, with back-off, for as long as it fails only because
 * PostgreSQL cannot be reached (up to {@code neuropipe.gateway.store-outage.consumer-wait}). The
 * binder's own retries (3 attempts within a second) would otherwise dead-letter every job event
 * that arrives during a database restart, leaving its job unfinished until its deadline.
 * Any other failure, or an outage longer than the wait, goes on to the binder's retries and DLQ.
 */
@Component
class StoreOutageRetry {

    private static final Logger log = LoggerFactory.getLogger(StoreOutageRetry.class);

    private final Duration wait;

    StoreOutageRetry(StoreOutageProperties properties) {
        this.wait = properties.consumerWait();
    }

    void run(Runnable handling) {
        long deadline = System.nanoTime() + wait.toNanos();
        OutageBackoff backoff = new OutageBackoff();
        int attempts = 0;
        while (true) {
            try {
                handling.run();
                if (attempts > 0) {
                    log.info("Job store reachable again; record handled after {} retries", attempts);
                }
                return;
            } catch (RuntimeException e) {
                if (!StoreOutages.isOutage(e) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                if (attempts++ == 0) {
                    log.warn("Job store unreachable; retrying this record for up to {}: {}", wait, e.toString());
                }
                if (!backoff.pause(Long.MAX_VALUE)) {
                    throw new IllegalStateException("Interrupted while waiting for the job store", e);
                }
            }
        }
    }
}
