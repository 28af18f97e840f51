package io.neuropipe.gateway.job;

import java.util.UUID;

/**
 * Outcome of a submission.
 *
 * @param id      the job id
 * @param state   its state now
 * @param created false when the request id named an existing job, which is returned unchanged
 */
public record SubmittedJob(UUID id, JobState state, boolean created) {
}
