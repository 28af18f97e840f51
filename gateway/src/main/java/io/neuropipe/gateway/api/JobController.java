package io.neuropipe.gateway.api;

import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.neuropipe.gateway.auth.Caller;
import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.JobCompletions;
import io.neuropipe.gateway.job.JobNotFoundException;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.JobService;
import io.neuropipe.gateway.job.JobSubmission;
import io.neuropipe.gateway.job.SubmittedJob;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/jobs} starts a job, {@code GET /v1/jobs/{id}} reports it (optionally waiting for
 * its end, which spares clients a polling loop). A repeated
 * {@code Idempotency-Key} returns the job the first request created (200 instead of 202).
 */
@RestController
@RequestMapping("/v1/jobs")
class JobController {

    private final JobService service;
    private final JobRequestReader requests;
    private final JobLookup lookup;
    private final Duration maxWait;
    private final JobCompletions completions;
    private final Executor executor;

    JobController(JobService service, JobRequestReader requests, JobLookup lookup, GatewayProperties properties,
                  JobCompletions completions, @Qualifier("applicationTaskExecutor") Executor executor) {
        this.service = service;
        this.requests = requests;
        this.lookup = lookup;
        this.maxWait = properties.maxWait();
        this.completions = completions;
        this.executor = executor;
    }

    @PostMapping(consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    ResponseEntity<JobViews.Accepted> submit(@RequestBody JsonNode body,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                             @RequestHeader(name = "traceparent", required = false) String traceparent,
                                             @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        JobRequestReader.Parsed parsed = requests.parse(body);
        JobSubmission submission = new JobSubmission(caller.tenant(), key, parsed.pipeline().name(), parsed.inputs(),
            parsed.params(), 0, traceparent);
        return accepted(service.submit(submission));
    }

    static ResponseEntity<JobViews.Accepted> accepted(SubmittedJob job) {
        String id = job.id().toString();
        return ResponseEntity.status(job.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
            .location(URI.create("/v1/jobs/" + id))
            .body(new JobViews.Accepted(id, job.state().name(), JobViews.links(id)));
    }

    /**
     * The job now or, with {@code wait} (e.g. {@code 10s}, {@code 500ms}, or milliseconds), once it
     * has ended or the wait is over, whichever comes first.
     */
    @GetMapping("/{id}")
    CompletableFuture<JobViews.Job> get(@PathVariable String id, @RequestParam(required = false) String wait,
                                        @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        UUID uuid = JobLookup.parse(id).orElse(null);
        Duration timeout = waitOf(wait);
        CompletableFuture<Void> finished = timeout.isZero() || uuid == null ? null : completions.register(uuid);
        JobRow job = lookup.find(id, caller).orElse(null);
        if (job == null || job.state().terminal() || finished == null) {
            if (finished != null) {
                completions.unregister(uuid, finished);
            }
            if (job == null) {
                throw new JobNotFoundException(id);
            }
            return CompletableFuture.completedFuture(lookup.view(job));
        }
        return finished
            .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
            .thenApplyAsync(done -> {
                completions.unregister(uuid, finished);
                return lookup.view(lookup.require(id, caller));
            }, executor);
    }

    private Duration waitOf(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        Duration d;
        try {
            d = DurationStyle.detectAndParse(wait.trim(), ChronoUnit.MILLIS);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("wait", "Must be a duration such as 10s or 500ms");
        }
        if (d.isNegative()) {
            throw new InvalidInputException("wait", "Must not be negative");
        }
        return d.compareTo(maxWait) > 0 ? maxWait : d;
    }
}
