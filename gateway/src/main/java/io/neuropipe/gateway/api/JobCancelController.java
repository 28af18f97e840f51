package io.neuropipe.gateway.api;

import io.neuropipe.gateway.auth.Caller;
import io.neuropipe.gateway.job.JobCancellation;
import io.neuropipe.gateway.job.JobNotFoundException;
import io.neuropipe.gateway.job.JobPurge;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code DELETE /v1/jobs/{id}}: cancels an open job at once (200 with the CANCELLED job; again
 * for an already cancelled job); a DONE or FAILED job answers 409. Services are told on the
 * cancel topic ({@code neuropipe.gateway.topics.cancel}). With {@code ?purge=true} the job (open
 * or finished) is then deleted with its results and blobs: 204, and 404 from then on.
 */
@RestController
class JobCancelController {

    private final JobLookup lookup;
    private final JobCancellation cancellation;
    private final JobPurge purge;

    JobCancelController(JobLookup lookup, JobCancellation cancellation, JobPurge purge) {
        this.lookup = lookup;
        this.cancellation = cancellation;
        this.purge = purge;
    }

    @DeleteMapping("/v1/jobs/{id}")
    ResponseEntity<JobViews.Job> cancel(@PathVariable String id, @RequestParam(defaultValue = "false") boolean purge,
                                        @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        var jobId = JobLookup.parse(id).orElseThrow(() -> new JobNotFoundException(id));
        if (purge) {
            this.purge.purge(jobId, job -> caller.owns(job.tenant()));
            return ResponseEntity.noContent().build();
        }
        cancellation.cancel(jobId, job -> caller.owns(job.tenant()));
        return ResponseEntity.ok(lookup.view(lookup.require(id, caller)));
    }
}
