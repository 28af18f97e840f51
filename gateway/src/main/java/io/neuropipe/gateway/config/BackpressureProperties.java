package io.neuropipe.gateway.config;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Admission control for new jobs ({@code neuropipe.gateway.backpressure.*}): above either bound a
 * job submission is answered 503 with {@code Retry-After} before its body is read.
 *
 * @param enabled        whether the bounds are enforced
 * @param maxOpenJobs    most accepted jobs not yet finished (PENDING or RUNNING), i.e. work queued in
 *                       the step topics or running in the services, across all gateway instances
 * @param maxOutboxRows  most outbox rows not yet published to Kafka (grows when Kafka is slow or down)
 * @param refresh        how often the counts are re-read from PostgreSQL; between reads each
 *                       instance adds the jobs it admitted itself, so it cannot overshoot a bound
 * @param retryAfter     the {@code Retry-After} given to a refused client
 */
@Validated
@ConfigurationProperties("neuropipe.gateway.backpressure")
public record BackpressureProperties(
        @DefaultValue("true") boolean enabled,
        @Min(1) @DefaultValue("20000") int maxOpenJobs,
        @Min(1) @DefaultValue("5000") int maxOutboxRows,
        @NotNull @DefaultValue("250ms") Duration refresh,
        @NotNull @DefaultValue("2s") Duration retryAfter) {
}
