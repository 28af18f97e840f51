package io.neuropipe.gateway.job;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.relay.OutboxMessage;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobStatusChange;
import io.neuropipe.runtime.trace.StepTracing;
import org.springframework.stereotype.Component;

/**
 * Job status events for Kafka-only clients, keyed by job id on the results topic. The record
 * header {@code request_id} repeats the client's request id when the job had one; {@code traceparent}
 * carries the job's trace.
 */
@Component
public class StatusEvents {

    public static final String REQUEST_ID_HEADER = "request_id";
    public static final String SERVICE = "gateway";

    private final String topic;
    private final String cancelTopic;

    public StatusEvents(GatewayProperties properties) {
        this.topic = properties.topics().results();
        this.cancelTopic = properties.topics().cancel();
    }

    public OutboxMessage of(JobRow job, JobState state, String reason, List<Artifact> artifacts) {
        return of(job.id().toString(), job.tenant(), job.pipeline(), job.requestId(), job.traceparent(), state, reason,
            artifacts);
    }

    /** The record that tells services to stop working on {@code job}: the CANCELLED status on the cancel topic. */
    public OutboxMessage cancellation(JobRow job, String reason) {
        OutboxMessage status = of(job, JobState.CANCELLED, reason, List.of());
        return new OutboxMessage(cancelTopic, status.key(), status.payload(), status.headers());
    }

    public OutboxMessage of(String jobId, String tenant, String pipeline, String requestId, String traceparent,
                            JobState state, String reason, List<Artifact> artifacts) {
        JobEvent event = JobEvent.newBuilder()
            .setJobId(jobId)
            .setTenant(tenant == null ? "" : tenant)
            .setPipeline(pipeline == null ? "" : pipeline)
            .setEmittedEpochMs(System.currentTimeMillis())
            .setTraceparent(traceparent == null ? "" : traceparent)
            .setService(SERVICE)
            .setStatus(JobStatusChange.newBuilder()
                .setStatus(state.wire())
                .setReason(reason == null ? "" : reason)
                .addAllArtifacts(artifacts))
            .build();
        Map<String, String> headers = new HashMap<>();
        if (requestId != null && !requestId.isBlank()) {
            headers.put(REQUEST_ID_HEADER, requestId);
        }
        if (traceparent != null && !traceparent.isBlank()) {
            headers.put(StepTracing.TRACEPARENT_HEADER, traceparent);
        }
        return new OutboxMessage(topic, jobId, event.toByteArray(), headers);
    }
}
