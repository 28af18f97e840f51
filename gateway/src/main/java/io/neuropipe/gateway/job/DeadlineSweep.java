package io.neuropipe.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.relay.Outbox;
import io.neuropipe.proto.v1.ErrorCode;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fails jobs that are still open a grace period after their deadline (e.g. a service died with
 * the envelope), so no job stays PENDING or RUNNING forever. Run by {@link DeadlineTimer}.
 */
@Component
public class DeadlineSweep {

    private static final int BATCH = 100;

    private final JobStore jobs;
    private final Outbox outbox;
    private final StatusEvents statusEvents;
    private final TransactionTemplate tx;
    private final Duration grace;
    private final JobMetrics metrics;
    private final JobCompletions completions;

    public DeadlineSweep(JobStore jobs, Outbox outbox, StatusEvents statusEvents, TransactionTemplate tx,
                         GatewayProperties properties, JobMetrics metrics, JobCompletions completions) {
        this.metrics = metrics;
        this.completions = completions;
        this.jobs = jobs;
        this.outbox = outbox;
        this.statusEvents = statusEvents;
        this.tx = tx;
        this.grace = properties.deadlineGrace();
    }

    public void sweep() {
        Integer failed;
        do {
            failed = tx.execute(status -> failExpired());
        } while (failed != null && failed == BATCH);
    }

    private int failExpired() {
        Instant now = Instant.now();
        List<JobRow> expired = jobs.lockExpired(now.minus(grace), BATCH);
        for (JobRow job : expired) {
            String message = "No result before the job's deadline " + job.deadline();
            jobs.finish(job.id(), JobState.FAILED, ErrorCode.DEADLINE_EXCEEDED.name(), message, now);
            outbox.append(statusEvents.of(job, JobState.FAILED, ErrorCode.DEADLINE_EXCEEDED.name() + ": " + message,
                List.of()));
            metrics.finished(job, JobState.FAILED, now);
            completions.finishedOnCommit(job.id());
        }
        return expired.size();
    }
}
