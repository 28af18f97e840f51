package io.neuropipe.gateway.job;

import java.util.Map;

import io.neuropipe.proto.v1.Artifact;

/**
 * A request to start a job, from REST or the Kafka ingress.
 *
 * @param tenant      owner; blank = the configured default tenant
 * @param requestId   client idempotency key; null or blank = none (every request is a new job)
 * @param pipeline    pipeline name
 * @param inputs      named inputs
 * @param params      job-level parameters
 * @param timeoutMs   relative deadline; 0 = {@code params.timeout_ms} or the default timeout
 * @param traceparent the caller's W3C traceparent, or null
 */
public record JobSubmission(String tenant, String requestId, String pipeline, Map<String, Artifact> inputs,
                            Map<String, String> params, long timeoutMs, String traceparent) {

    public JobSubmission {
        inputs = Map.copyOf(inputs);
        params = Map.copyOf(params);
    }

    public boolean hasRequestId() {
        return requestId != null && !requestId.isBlank();
    }
}
