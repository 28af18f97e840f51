package io.neuropipe.gateway.api;

import java.util.Optional;
import java.util.UUID;

import io.neuropipe.gateway.auth.Caller;
import io.neuropipe.gateway.job.JobNotFoundException;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.JobStore;
import io.neuropipe.gateway.job.PartialOutputs;
import io.neuropipe.gateway.job.StepStore;
import org.springframework.stereotype.Component;

/** Finds the job a request names and renders it; an id that is not a UUID is simply not found. */
@Component
class JobLookup {

    private final JobStore jobs;
    private final StepStore steps;
    private final PartialOutputs partials;

    JobLookup(JobStore jobs, StepStore steps, PartialOutputs partials) {
        this.jobs = jobs;
        this.steps = steps;
        this.partials = partials;
    }

    static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The job, when {@code caller}'s tenant owns it: another tenant's job is not found, like a missing one. */
    Optional<JobRow> find(String id, Caller caller) {
        return parse(id).flatMap(jobs::find).filter(j -> caller.owns(j.tenant()));
    }

    JobRow require(String id, Caller caller) {
        return find(id, caller).orElseThrow(() -> new JobNotFoundException(id));
    }

    JobViews.Job view(JobRow job) {
        return JobViews.of(job, steps.steps(job.id()), partials.text(job.id()));
    }
}
