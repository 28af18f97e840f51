package io.neuropipe.gateway.events;

import io.neuropipe.gateway.job.IdempotencyConflictException;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.JobIds;
import io.neuropipe.gateway.job.JobService;
import io.neuropipe.gateway.job.JobSubmission;
import io.neuropipe.gateway.job.SubmittedJob;
import io.neuropipe.gateway.job.UnknownPipelineException;
import io.neuropipe.proto.v1.JobRequest;
import io.neuropipe.runtime.trace.StepTracing;
import io.neuropipe.runtime.trace.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Turns a {@code JobRequest} from the Kafka ingress into a job exactly as REST does. Its
 * {@code request_id} is the idempotency key and fixes the job id ({@link JobIds#forRequest}). A
 * request that fails validation still leaves a trace the client can see: a FAILED job when its
 * pipeline exists, otherwise a FAILED status event on the results topic.
 */
@Service
public class JobRequestHandler {

    private static final Logger log = LoggerFactory.getLogger(JobRequestHandler.class);

    private final JobService jobs;
    private final Tracing tracing;

    public JobRequestHandler(JobService jobs, Tracing tracing) {
        this.jobs = jobs;
        this.tracing = tracing;
    }

    /** Handles a request inside a CONSUMER span in the request's trace; the job joins that span's trace. */
    public void handle(JobRequest r) {
        Span span = tracing.start("receive " + r.getPipeline(), SpanKind.CONSUMER, r.getTraceparent())
            .setAttribute(StepTracing.PIPELINE, r.getPipeline());
        try (Scope scope = span.makeCurrent()) {
            submit(r);
        } finally {
            span.end();
        }
    }

    private void submit(JobRequest r) {
        JobSubmission s = new JobSubmission(r.getTenant(), r.getRequestId(), r.getPipeline(), r.getInputsMap(),
            r.getParamsMap(), r.getTimeoutMs(), r.getTraceparent());
        try {
            if (!s.hasRequestId()) {
                throw new InvalidInputException("request_id", "A JobRequest needs a request_id (its idempotency key)");
            }
            SubmittedJob job = jobs.submit(s);
            log.debug("Request {} -> job {} ({})", r.getRequestId(), job.id(), job.created() ? "created" : "repeated");
        } catch (UnknownPipelineException e) {
            log.info("Rejected request '{}': {}", r.getRequestId(), e.getMessage());
            jobs.announceRejected(jobs.jobId(s).toString(), jobs.tenant(s), r.getPipeline(), r.getRequestId(),
                "pipeline: " + e.getMessage());
        } catch (InvalidInputException e) {
            log.info("Rejected request '{}': {}: {}", r.getRequestId(), e.field(), e.getMessage());
            jobs.recordRejected(s, e);
        } catch (IdempotencyConflictException e) {
            log.warn("Dropped request '{}': {}", r.getRequestId(), e.getMessage());
        }
    }

    /** For a record that is not a {@code JobRequest} at all: a FAILED status event keyed by the record key. */
    public void handleUnreadable(String key, String reason) {
        String jobId = key == null || key.isBlank() ? JobIds.random().toString() : key;
        log.info("Rejected an unreadable job request (key '{}'): {}", key, reason);
        jobs.announceRejected(jobId, "", "", null, "Unreadable JobRequest: " + reason);
    }
}
