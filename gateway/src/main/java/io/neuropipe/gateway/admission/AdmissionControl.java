package io.neuropipe.gateway.admission;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.neuropipe.gateway.config.BackpressureProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Decides whether a new job may be admitted, from the number of open jobs and unpublished outbox
 * rows in PostgreSQL (shared by every gateway instance), re-read at most every refresh interval.
 */
@Component
public class AdmissionControl {

    /** Why a job was refused, for the client. */
    public record Refusal(String reason) {
    }

    private final JdbcClient jdbc;
    private final BackpressureProperties properties;
    private final long refreshNanos;
    private final AtomicInteger admittedSinceRefresh = new AtomicInteger();
    private volatile long refreshedAt = System.nanoTime() - Long.MAX_VALUE / 2;
    private volatile long openJobs;
    private volatile long outboxRows;

    public AdmissionControl(JdbcClient jdbc, BackpressureProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.refreshNanos = properties.refresh().toNanos();
    }

    /** Empty if the job may go ahead (and counts it), otherwise why not. */
    public Optional<Refusal> tryAdmit() {
        if (!properties.enabled()) {
            return Optional.empty();
        }
        refreshIfStale();
        if (outboxRows >= properties.maxOutboxRows()) {
            return Optional.of(new Refusal(outboxRows + " messages are waiting to be published to Kafka (bound "
                + properties.maxOutboxRows() + ")"));
        }
        long open = openJobs + admittedSinceRefresh.incrementAndGet();
        if (open > properties.maxOpenJobs()) {
            admittedSinceRefresh.decrementAndGet();
            return Optional.of(new Refusal((open - 1) + " jobs are queued or running (bound " + properties.maxOpenJobs() + ")"));
        }
        return Optional.empty();
    }

    private void refreshIfStale() {
        if (System.nanoTime() - refreshedAt < refreshNanos) {
            return;
        }
        synchronized (this) {
            if (System.nanoTime() - refreshedAt < refreshNanos) {
                return;
            }
            int admittedBefore = admittedSinceRefresh.get();
            openJobs = jdbc.sql("SELECT count(*) FROM jobs WHERE status IN ('PENDING', 'RUNNING')").query(Long.class).single();
            outboxRows = jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single();
            // jobs admitted while counting may or may not be in the count: keep them, erring on the safe side
            admittedSinceRefresh.addAndGet(-admittedBefore);
            refreshedAt = System.nanoTime();
        }
    }
}
