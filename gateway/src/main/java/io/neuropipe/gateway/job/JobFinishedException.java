package io.neuropipe.gateway.job;

/** The job has already ended (DONE or FAILED), so it cannot be cancelled. */
public class JobFinishedException extends RuntimeException {

    private final JobState state;

    public JobFinishedException(String id, JobState state) {
        super("Job '" + id + "' has already ended with status " + state);
        this.state = state;
    }

    public JobState state() {
        return state;
    }
}
