package io.neuropipe.gateway.api;

import io.neuropipe.gateway.auth.Caller;
import io.neuropipe.gateway.job.JobCancellation;
import io.neuropipe.gateway.job.JobNotFoundException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code DELETE /v1/jobs/{id}}: cancels an open job at once (200 with the CANCELLED job; again
 * for an already cancelled job); a DONE or FAILED job answers 409. Services are told on the
 * cancel topic ({@code neuropipe.gateway.topics.cancel}).
 */
@RestController
class JobCancelController {

    private final JobLookup lookup;
    private final JobCancellation cancellation;

    JobCancelController(JobLookup lookup, JobCancellation cancellation) {
        this.lookup = lookup;
        this.cancellation = cancellation;
    }

    @DeleteMapping("/v1/jobs/{id}")
    JobViews.Job cancel(@PathVariable String id, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        cancellation.cancel(JobLookup.parse(id).orElseThrow(() -> new JobNotFoundException(id)),
            job -> caller.owns(job.tenant()));
        return lookup.view(lookup.require(id, caller));
    }
}
