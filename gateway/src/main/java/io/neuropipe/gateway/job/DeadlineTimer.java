package io.neuropipe.gateway.job;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.neuropipe.gateway.config.DeadlineSweepProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link DeadlineSweep} on its own thread every {@code neuropipe.gateway.deadline-sweep.interval},
 * so deadlines are enforced on time however busy the outbox relay is.
 */
@Component
class DeadlineTimer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeadlineTimer.class);

    private final DeadlineSweep sweep;
    private final long intervalMs;
    private volatile ScheduledExecutorService timer;

    DeadlineTimer(DeadlineSweep sweep, DeadlineSweepProperties properties) {
        this.sweep = sweep;
        this.intervalMs = properties.interval().toMillis();
    }

    @Override
    public void start() {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "deadline-sweep");
            thread.setDaemon(true);
            return thread;
        });
        t.scheduleWithFixedDelay(this::sweepQuietly, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        timer = t;
    }

    private void sweepQuietly() {
        try {
            sweep.sweep();
        } catch (RuntimeException e) {
            log.warn("Deadline sweep failed; retrying in {} ms", intervalMs, e);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService t = timer;
        timer = null;
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
