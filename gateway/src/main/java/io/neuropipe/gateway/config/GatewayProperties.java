package io.neuropipe.gateway.config;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway settings ({@code neuropipe.gateway.*}).
 *
 * @param modelRepository directory of model cards ({@code <name>/<version>/model.yaml}) that
 *                        tensor inputs are validated against
 * @param defaultTenant   tenant of jobs that name none
 * @param defaultTimeout  a job's deadline, counted from its creation, unless the request sets
 *                        {@code timeout_ms}
 * @param maxTimeout      largest deadline a request may ask for
 * @param maxTensorBytes  largest input tensor, in bytes, that a request may carry (above
 *                        {@code neuropipe.blobs.inline-limit} it travels on by claim check)
 * @param maxWait         longest {@code wait} a client may ask of {@code GET /v1/jobs/{id}?wait=...}
 * @param deadlineGrace   how long after its deadline an unfinished job is failed with
 *                        DEADLINE_EXCEEDED by the gateway's sweep (0: at once; a result that
 *                        arrives later is stored on its step but leaves the job FAILED)
 * @param topics          Kafka topics the gateway writes to
 * @param relay           outbox relay tuning
 */
@Validated
@ConfigurationProperties("neuropipe.gateway")
public record GatewayProperties(
        @NotNull @DefaultValue("models/repository") Path modelRepository,
        @NotBlank @DefaultValue("default") String defaultTenant,
        @NotNull @DefaultValue("60s") Duration defaultTimeout,
        @NotNull @DefaultValue("10m") Duration maxTimeout,
        @Min(1) @DefaultValue("8388608") int maxTensorBytes,
        @NotNull @DefaultValue("30s") Duration maxWait,
        @NotNull @DefaultValue("0s") Duration deadlineGrace,
        @Valid @NotNull @DefaultValue Topics topics,
        @Valid @NotNull @DefaultValue Relay relay) {

    public GatewayProperties {
        if (defaultTimeout != null && maxTimeout != null && defaultTimeout.compareTo(maxTimeout) > 0) {
            throw new IllegalArgumentException("neuropipe.gateway.default-timeout=" + defaultTimeout
                + " exceeds neuropipe.gateway.max-timeout=" + maxTimeout);
        }
    }

    /**
     * Kafka topics the gateway writes to.
     *
     * @param stepPrefix prefix of step input topics; a route node's step {@code s} is sent to
     *                   {@code <stepPrefix>s}
     * @param results    topic of job status events (DONE with the results, FAILED with the
     *                   reason) for Kafka-only clients, keyed by job id
     * @param cancel     topic of cancellations: a {@code JobEvent} with status JOB_CANCELLED,
     *                   keyed by job id, for services to drop the job's remaining work
     */
    public record Topics(
            @NotBlank @DefaultValue("neuropipe.step.") String stepPrefix,
            @NotBlank @DefaultValue("neuropipe.jobs.results") String results,
            @NotBlank @DefaultValue("neuropipe.jobs.cancel") String cancel) {

        public String step(String step) {
            return stepPrefix + step;
        }
    }

    /**
     * Outbox relay tuning.
     *
     * @param batchSize     outbox rows published per database transaction
     * @param sweepInterval how often the relay looks for rows without being signalled (a safety net
     *                      for rows written by other instances or left after a failed send)
     * @param sendTimeout   how long a Kafka send may take before the batch is retried
     * @param lingerMs      the relay producer's {@code linger.ms}; 0 keeps single-job latency low
     */
    public record Relay(
            @Min(1) @Max(10_000) @DefaultValue("100") int batchSize,
            @NotNull @DefaultValue("1s") Duration sweepInterval,
            @NotNull @DefaultValue("10s") Duration sendTimeout,
            @Min(0) @DefaultValue("0") int lingerMs) {
    }
}
