package io.neuropipe.gateway.job;

import java.util.UUID;
import java.util.function.Predicate;

import io.neuropipe.runtime.blob.BlobStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes a job for good ({@code DELETE /v1/jobs/{id}?purge=true}): an open job is cancelled
 * first (services are told), then its row, step results and blobs go. A blob another job also
 * holds stays.
 */
@Service
public class JobPurge {

    private final JobStore jobs;
    private final JobCancellation cancellation;
    private final BlobStore blobs;

    public JobPurge(JobStore jobs, JobCancellation cancellation, BlobStore blobs) {
        this.jobs = jobs;
        this.cancellation = cancellation;
        this.blobs = blobs;
    }

    /** @param owned whether the caller may see the job (false: reported as not found) */
    @Transactional
    public void purge(UUID id, Predicate<JobRow> owned) {
        JobRow job = jobs.lock(id).filter(owned).orElseThrow(() -> new JobNotFoundException(id.toString()));
        if (!job.state().terminal()) {
            cancellation.cancel(id, owned);
        }
        blobs.deleteJob(id.toString());
        jobs.delete(id);
    }
}
