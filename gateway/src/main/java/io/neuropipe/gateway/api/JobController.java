package io.neuropipe.gateway.api;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.config.PipelinesProperties.Input;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.JobNotFoundException;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.JobService;
import io.neuropipe.gateway.job.JobStore;
import io.neuropipe.gateway.job.JobSubmission;
import io.neuropipe.gateway.job.StepStore;
import io.neuropipe.gateway.job.SubmittedJob;
import io.neuropipe.gateway.job.UnknownPipelineException;
import io.neuropipe.gateway.pipeline.PipelineCatalog;
import io.neuropipe.gateway.pipeline.PipelineSpec;
import io.neuropipe.proto.v1.Artifact;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/jobs} starts a job, {@code GET /v1/jobs/{id}} reports it. A repeated
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

    JobController(JobService service, PipelineCatalog pipelines, JobStore jobs, StepStore steps,
                  GatewayProperties properties) {
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

    @GetMapping("/{id}")
    JobViews.Job get(@PathVariable String id) {
        UUID uuid = parse(id);
        JobRow job = (uuid == null ? Optional.<JobRow>empty() : jobs.find(uuid))
            .orElseThrow(() -> new JobNotFoundException(id));
        return JobViews.of(job, steps.steps(uuid));
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
