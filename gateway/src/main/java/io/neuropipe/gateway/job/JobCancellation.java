package io.neuropipe.gateway.job;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import io.neuropipe.gateway.relay.Outbox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Cancels jobs: the job is CANCELLED as soon as the transaction commits; services learn of it from
 * a record on the cancel topic (and Kafka-only clients from the results topic). Results that
 * arrive later are stored but do not change the job.
 */
@Service
public class JobCancellation {

    public static final String CODE = "CANCELLED";
    static final String REASON = "Cancelled by its owner";

    private final JobStore jobs;
    private final Outbox outbox;
    private final StatusEvents statusEvents;
    private final JobMetrics metrics;
    private final JobCompletions completions;
    private final PartialOutputs partials;

    public JobCancellation(JobStore jobs, Outbox outbox, StatusEvents statusEvents, JobMetrics metrics,
                           JobCompletions completions, PartialOutputs partials) {
        this.jobs = jobs;
        this.outbox = outbox;
        this.statusEvents = statusEvents;
        this.metrics = metrics;
        this.completions = completions;
        this.partials = partials;
    }

    /**
     * Cancels an open job; a cancelled job stays cancelled. Throws {@link JobFinishedException}
     * for a job that is DONE or FAILED.
     *
     * @param owned whether the caller may see the job (false: reported as not found)
     */
    @Transactional
    public JobState cancel(UUID id, Predicate<JobRow> owned) {
        JobRow job = jobs.lock(id).filter(owned).orElseThrow(() -> new JobNotFoundException(id.toString()));
        if (job.state() == JobState.CANCELLED) {
            return job.state();
        }
        if (job.state().terminal()) {
            throw new JobFinishedException(id.toString(), job.state());
        }
        Instant now = Instant.now();
        jobs.finish(id, JobState.CANCELLED, CODE, REASON, now);
        outbox.append(statusEvents.cancellation(job, REASON));
        outbox.append(statusEvents.of(job, JobState.CANCELLED, REASON, List.of()));
        metrics.finished(job, JobState.CANCELLED, now);
        completions.finishedOnCommit(id);
        partials.forget(id);
        return JobState.CANCELLED;
    }
}
