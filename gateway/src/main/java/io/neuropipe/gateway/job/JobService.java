package io.neuropipe.gateway.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.pipeline.PipelineCatalog;
import io.neuropipe.gateway.pipeline.PipelineSpec;
import io.neuropipe.gateway.relay.Outbox;
import io.neuropipe.gateway.relay.OutboxMessage;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.blob.ClaimCheck;
import io.neuropipe.runtime.trace.StepTracing;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Starts jobs: validates a submission, then writes the job and the first step's envelope to the
 * outbox in one transaction.
 */
@Service
public class JobService {

    /** Job parameter that sets the job's relative deadline in milliseconds. */
    public static final String TIMEOUT_PARAM = "timeout_ms";

    private final PipelineCatalog pipelines;
    private final InputValidator validator;
    private final JobStore jobs;
    private final Outbox outbox;
    private final StatusEvents statusEvents;
    private final GatewayProperties properties;
    private final JobMetrics metrics;
    private final ClaimCheck claimCheck;
    private final GenerationParams generationParams;

    public JobService(PipelineCatalog pipelines, InputValidator validator, JobStore jobs, Outbox outbox,
                      StatusEvents statusEvents, GatewayProperties properties, JobMetrics metrics, ClaimCheck claimCheck,
                      GenerationParams generationParams) {
        this.generationParams = generationParams;
        this.claimCheck = claimCheck;
        this.metrics = metrics;
        this.pipelines = pipelines;
        this.validator = validator;
        this.jobs = jobs;
        this.outbox = outbox;
        this.statusEvents = statusEvents;
        this.properties = properties;
    }

    /** Creates a job, or returns the existing one for a repeated request id; invalid requests throw. */
    @Transactional
    public SubmittedJob submit(JobSubmission s) {
        return submit(s, List.of());
    }

    /**
     * As {@link #submit(JobSubmission)}, storing the uploaded files its inputs refer to with the
     * job. Inputs above the inline limit are stored as blobs too and travel by reference.
     */
    @Transactional
    public SubmittedJob submit(JobSubmission s, List<UploadedBlob> files) {
        PipelineSpec pipeline = pipelines.find(s.pipeline()).orElseThrow(() -> new UnknownPipelineException(s.pipeline()));
        String tenant = tenant(s);
        String fingerprint = Fingerprints.of(s);
        if (s.hasRequestId()) {
            var existing = jobs.findByRequest(tenant, s.requestId());
            if (existing.isPresent()) {
                return repeated(existing.get(), s, fingerprint);
            }
        }
        validator.validate(pipeline, s.inputs());
        generationParams.validate(pipeline, s.params());
        Duration timeout = timeout(s);
        Instant now = Instant.now();
        JobRow job = newJob(s, pipeline, tenant, JobState.PENDING, null, null, now, now.plus(timeout));
        String jobId = job.id().toString();
        Map<String, Artifact> inputs = new HashMap<>();
        s.inputs().forEach((name, a) -> inputs.put(name, claimCheck.offload(jobId, a.toBuilder().setName(name).build())));
        if (!jobs.insert(job, s.hasRequestId() ? fingerprint : null, new ArrayList<>(inputs.values()))) {
            SubmittedJob other = existing(tenant, s);
            return repeated(jobs.find(other.id()).orElseThrow(), s, fingerprint);
        }
        files.forEach(f -> claimCheck.store().put(jobId, f.mediaType(), f.content()));
        outbox.append(new OutboxMessage(properties.topics().step(pipeline.route().getStep()), jobId,
            envelope(job, pipeline, inputs).toByteArray(), Map.of(StepTracing.TRACEPARENT_HEADER, job.traceparent())));
        metrics.created(pipeline.name(), true);
        return new SubmittedJob(job.id(), job.state(), true);
    }

    /**
     * Stores a job that failed validation, FAILED with the reason, and announces it on the results
     * topic; for Kafka requests, which have no caller to answer.
     */
    @Transactional
    public SubmittedJob recordRejected(JobSubmission s, InvalidInputException reason) {
        PipelineSpec pipeline = pipelines.find(s.pipeline()).orElseThrow(() -> new UnknownPipelineException(s.pipeline()));
        String tenant = tenant(s);
        Instant now = Instant.now();
        String message = reason.field() + ": " + reason.getMessage();
        JobRow job = newJob(s, pipeline, tenant, JobState.FAILED, reason.code().name(), message, now, now);
        if (!jobs.insert(job)) {
            return existing(tenant, s);
        }
        outbox.append(statusEvents.of(job, JobState.FAILED, reason.code().name() + ": " + message, List.of()));
        metrics.created(pipeline.name(), false);
        return new SubmittedJob(job.id(), job.state(), true);
    }

    /** Announces on the results topic a request that cannot become a job (no such pipeline, unreadable). */
    @Transactional
    public void announceRejected(String jobId, String tenant, String pipeline, String requestId, String reason) {
        outbox.append(statusEvents.of(jobId, tenant, pipeline, requestId, Traceparents.childOf(null), JobState.FAILED,
            ErrorCode.INVALID_INPUT.name() + ": " + reason, List.of()));
    }

    public String tenant(JobSubmission s) {
        return s.tenant() == null || s.tenant().isBlank() ? properties.defaultTenant() : s.tenant();
    }

    public UUID jobId(JobSubmission s) {
        return s.hasRequestId() ? JobIds.forRequest(tenant(s), s.requestId()) : JobIds.random();
    }

    private SubmittedJob repeated(JobRow existing, JobSubmission s, String fingerprint) {
        String stored = jobs.requestHash(existing.id()).orElse(null);
        if (stored != null && !stored.equals(fingerprint)) {
            throw new IdempotencyConflictException(s.requestId(), existing.id().toString());
        }
        return new SubmittedJob(existing.id(), existing.state(), false);
    }

    private SubmittedJob existing(String tenant, JobSubmission s) {
        JobRow row = jobs.find(jobId(s)).or(() -> jobs.findByRequest(tenant, s.requestId()))
            .orElseThrow(() -> new IllegalStateException("Job insert conflicted but no job was found"));
        return new SubmittedJob(row.id(), row.state(), false);
    }

    private JobRow newJob(JobSubmission s, PipelineSpec pipeline, String tenant, JobState state, String code,
                          String message, Instant now, Instant deadline) {
        return new JobRow(jobId(s), tenant, s.hasRequestId() ? s.requestId() : null, pipeline.name(), state,
            pipeline.route(), pipeline.leafIds(), s.params(), Traceparents.forJob(s.traceparent()), code, message,
            now, now, state.terminal() ? now : null, deadline);
    }

    private Duration timeout(JobSubmission s) {
        long ms = s.timeoutMs();
        String param = s.params().get(TIMEOUT_PARAM);
        if (ms <= 0 && param != null) {
            try {
                ms = Long.parseLong(param.trim());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("params." + TIMEOUT_PARAM, "Must be a whole number of milliseconds");
            }
            if (ms <= 0) {
                throw new InvalidInputException("params." + TIMEOUT_PARAM, "Must be positive");
            }
        }
        if (ms <= 0) {
            return properties.defaultTimeout();
        }
        Duration timeout = Duration.ofMillis(ms);
        if (timeout.compareTo(properties.maxTimeout()) > 0) {
            throw new InvalidInputException(param != null ? "params." + TIMEOUT_PARAM : "timeout_ms",
                "Exceeds the gateway's maximum of " + properties.maxTimeout().toMillis() + " ms");
        }
        return timeout;
    }

    private static StepEnvelope envelope(JobRow job, PipelineSpec pipeline, Map<String, Artifact> inputs) {
        Map<String, Artifact> named = new HashMap<>();
        inputs.forEach((name, a) -> named.put(name, a.toBuilder().setName(name).build()));
        long now = System.currentTimeMillis();
        return StepEnvelope.newBuilder()
            .setJobId(job.id().toString())
            .setTenant(job.tenant())
            .setPipeline(pipeline.name())
            .setRoute(pipeline.route())
            .setCurrentStepId(pipeline.route().getId())
            .setAttempt(1)
            .setDeadlineEpochMs(job.deadline().toEpochMilli())
            .setTraceparent(job.traceparent())
            .putAllArtifacts(named)
            .putAllParams(job.params())
            .setCreatedEpochMs(job.created().toEpochMilli())
            .setSentEpochMs(now)
            .build();
    }
}
