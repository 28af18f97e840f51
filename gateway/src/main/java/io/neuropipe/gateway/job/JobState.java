package io.neuropipe.gateway.job;

import io.neuropipe.proto.v1.JobStatus;

/** Lifecycle of a job as stored and reported by {@code GET /v1/jobs/{id}}. */
public enum JobState {
    PENDING(JobStatus.JOB_PENDING),
    RUNNING(JobStatus.JOB_RUNNING),
    DONE(JobStatus.JOB_DONE),
    FAILED(JobStatus.JOB_FAILED),
    CANCELLED(JobStatus.JOB_CANCELLED);

    private final JobStatus wire;

    JobState(JobStatus wire) {
        this.wire = wire;
    }

    public JobStatus wire() {
        return wire;
    }

    public boolean terminal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
