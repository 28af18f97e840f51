package io.neuropipe.gateway.api;

import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.config.PipelinesProperties.Input;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.JobCompletions;
import io.neuropipe.gateway.job.JobNotFoundException;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.JobService;
import io.neuropipe.gateway.job.JobStore;
import io.neuropipe.gateway.job.JobSubmission;
import io.neuropipe.gateway.job.PartialOutputs;
import io.neuropipe.gateway.job.StepStore;
import io.neuropipe.gateway.job.SubmittedJob;
import io.neuropipe.gateway.job.UnknownPipelineException;
import io.neuropipe.gateway.pipeline.PipelineCatalog;
import io.neuropipe.gateway.pipeline.PipelineSpec;
import io.neuropipe.proto.v1.Artifact;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
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
    private final PipelineCatalog pipelines;
    private final JobStore jobs;
    private final StepStore steps;
    private final long maxTensorBytes;
    private final Duration maxWait;
    private final JobCompletions completions;
    private final Executor executor;
    private final PartialOutputs partials;

    JobController(JobService service, PipelineCatalog pipelines, JobStore jobs, StepStore steps,
                  GatewayProperties properties, JobCompletions completions, PartialOutputs partials,
                  @Qualifier("applicationTaskExecutor") Executor executor) {
        this.partials = partials;
        this.maxWait = properties.maxWait();
        this.completions = completions;
        this.executor = executor;
        this.service = service;
        this.pipelines = pipelines;
        this.jobs = jobs;
        this.steps = steps;
        this.maxTensorBytes = properties.maxTensorBytes();
    }

    @PostMapping
    ResponseEntity<JobViews.Accepted> submit(@RequestBody JsonNode body,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                             @RequestHeader(name = "traceparent", required = false) String traceparent) {
        if (!body.isObject()) {
            throw new InvalidInputException("", "The request body must be a JSON object {pipeline, inputs, params}");
        }
        JsonNode name = body.get("pipeline");
        if (name == null || !name.isString() || name.stringValue().isBlank()) {
            throw new InvalidInputException("pipeline", "Must name a pipeline; see GET /v1/pipelines");
        }
        PipelineSpec pipeline = pipelines.find(name.stringValue())
            .orElseThrow(() -> new UnknownPipelineException(name.stringValue()));
        JobSubmission submission = new JobSubmission(null, key, pipeline.name(), inputs(pipeline, body.get("inputs")),
            params(body.get("params")), 0, traceparent);
        SubmittedJob job = service.submit(submission);
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
    CompletableFuture<JobViews.Job> get(@PathVariable String id, @RequestParam(required = false) String wait) {
        UUID uuid = parse(id);
        Duration timeout = waitOf(wait);
        CompletableFuture<Void> finished = timeout.isZero() || uuid == null ? null : completions.register(uuid);
        JobRow job = (uuid == null ? Optional.<JobRow>empty() : jobs.find(uuid)).orElse(null);
        if (job == null || job.state().terminal() || finished == null) {
            if (finished != null) {
                completions.unregister(uuid, finished);
            }
            if (job == null) {
                throw new JobNotFoundException(id);
            }
            return CompletableFuture.completedFuture(view(job));
        }
        return finished
            .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
            .thenApplyAsync(done -> {
                completions.unregister(uuid, finished);
                return view(jobs.find(uuid).orElseThrow(() -> new JobNotFoundException(id)));
            }, executor);
    }

    private JobViews.Job view(JobRow job) {
        return JobViews.of(job, steps.steps(job.id()), partials.text(job.id()));
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

    private Map<String, Artifact> inputs(PipelineSpec pipeline, JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidInputException("inputs", "Must be an object of named inputs");
        }
        Map<String, Artifact> inputs = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            Input def = pipeline.inputs().get(e.getKey());
            if (def == null) {
                throw new InvalidInputException("inputs." + e.getKey(), "Pipeline '" + pipeline.name()
                    + "' has no input '" + e.getKey() + "'; its inputs are " + pipeline.inputs().keySet());
            }
            inputs.put(e.getKey(), ArtifactJson.parse(def.kind(), e.getValue(), "inputs." + e.getKey(), maxTensorBytes));
        }
        return inputs;
    }

    private static Map<String, String> params(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidInputException("params", "Must be a flat object of strings, numbers and booleans");
        }
        Map<String, String> params = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (!(v.isString() || v.isNumber() || v.isBoolean())) {
                throw new InvalidInputException("params." + e.getKey(), "Must be a string, number or boolean");
            }
            params.put(e.getKey(), v.isString() ? v.stringValue() : v.asString());
        }
        return params;
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
