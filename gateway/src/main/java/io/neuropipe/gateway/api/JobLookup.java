package io.neuropipe.gateway.api;

import java.util.Optional;
import java.util.UUID;

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

    Optional<JobRow> find(String id) {
        return parse(id).flatMap(jobs::find);
    }

    JobRow require(String id) {
        return find(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    JobViews.Job view(JobRow job) {
        return JobViews.of(job, steps.steps(job.id()), partials.text(job.id()));
    }
}
