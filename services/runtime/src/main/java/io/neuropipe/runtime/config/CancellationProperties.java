package io.neuropipe.runtime.config;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How services learn of cancelled jobs ({@code neuropipe.cancellation.*}). Every instance reads
 * the whole cancel topic itself (no consumer group), starting {@code remember} back in time.
 *
 * @param enabled  whether services listen for cancellations at all
 * @param topic    topic the gateway publishes cancellations to (its {@code neuropipe.gateway.topics.cancel})
 * @param remember how long a cancelled job id is remembered; also how far back a starting instance reads
 * @param capacity most job ids remembered; the oldest are forgotten first
 */
@Validated
@ConfigurationProperties("neuropipe.cancellation")
public record CancellationProperties(
        @DefaultValue("true") boolean enabled,
        @NotBlank @DefaultValue("neuropipe.jobs.cancel") String topic,
        @NotNull @DefaultValue("1h") Duration remember,
        @Min(1) @DefaultValue("100000") int capacity) {
}
