package io.neuropipe.gateway.admission;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.neuropipe.gateway.config.BackpressureProperties;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Decides whether a new job may be admitted, from the number of open jobs and unpublished outbox
 * rows in PostgreSQL (shared by every gateway instance), re-read at most every refresh interval.
 * Between reads it adds the submissions it admitted itself: those still being handled
 * ({@link #tryAdmit} until {@link #release}) and those finished since the last read. A submission
 * finished before a read started is in that read's count; one finished during a read may or may not
 * be, so it is kept (erring on the side of refusing).
 */
@Component
public class AdmissionControl {

    /** Why a job was refused, for the client. */
    public record Refusal(String reason) {
    }

    private final JdbcClient jdbc;
    private final BackpressureProperties properties;
    private final long refreshNanos;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger finishedSinceRefresh = new AtomicInteger();
    private volatile long refreshedAt = System.nanoTime() - Long.MAX_VALUE / 2;
    private long failedAt = System.nanoTime() - Long.MAX_VALUE / 2;
    private DataAccessException lastFailure;
    private volatile long openJobs;
    private volatile long outboxRows;

    public AdmissionControl(JdbcClient jdbc, BackpressureProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.refreshNanos = properties.refresh().toNanos();
    }

    /** Empty if the job may go ahead (and counts it until {@link #release}), otherwise why not. */
    public Optional<Refusal> tryAdmit() {
        if (!properties.enabled()) {
            return Optional.empty();
        }
        refreshIfStale();
        if (outboxRows >= properties.maxOutboxRows()) {
            return Optional.of(new Refusal(outboxRows + " messages are waiting to be published to Kafka (bound "
                + properties.maxOutboxRows() + ")"));
        }
        long open = openJobs + finishedSinceRefresh.get() + inFlight.incrementAndGet();
        if (open > properties.maxOpenJobs()) {
            inFlight.decrementAndGet();
            return Optional.of(new Refusal((open - 1) + " jobs are queued or running (bound " + properties.maxOpenJobs() + ")"));
        }
        return Optional.empty();
    }

    /** An admitted submission was handled (its job is stored, or it was refused later on). */
    public void release() {
        if (properties.enabled()) {
            finishedSinceRefresh.incrementAndGet();
            inFlight.decrementAndGet();
        }
    }

    private void refreshIfStale() {
        if (System.nanoTime() - refreshedAt < refreshNanos) {
            return;
        }
        synchronized (this) {
            if (System.nanoTime() - refreshedAt < refreshNanos) {
                return;
            }
            // while PostgreSQL is unreachable each read waits out the pool's connection timeout: one
            // failed read answers every caller until the next refresh, instead of queueing them here
            if (lastFailure != null && System.nanoTime() - failedAt < refreshNanos) {
                throw new DataAccessResourceFailureException("Job store unreachable: " + lastFailure.getMessage(), lastFailure);
            }
            int finishedBefore = finishedSinceRefresh.get();
            try {
                openJobs = jdbc.sql("SELECT count(*) FROM jobs WHERE status IN ('PENDING', 'RUNNING')").query(Long.class).single();
                outboxRows = jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single();
            } catch (DataAccessException e) {
                lastFailure = e;
                failedAt = System.nanoTime();
                throw e;
            }
            lastFailure = null;
            finishedSinceRefresh.addAndGet(-finishedBefore);
            refreshedAt = System.nanoTime();
        }
    }
}
