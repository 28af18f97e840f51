package io.neuropipe.gateway.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What the gateway does while PostgreSQL is unreachable ({@code neuropipe.gateway.store-outage.*}).
 *
 * @param retryAfter   the {@code Retry-After} of the 503 (problem type {@code unavailable}) that an
 *                     HTTP request gets while the job store cannot be reached
 * @param consumerWait how long a Kafka consumer of the gateway (job events, job requests) keeps
 *                     retrying one record while the job store cannot be reached, instead of
 *                     dead-lettering it; must stay below the consumers' {@code max.poll.interval.ms}
 *                     (5 min), after which the broker would hand the partition to another instance
 */
@Validated
@ConfigurationProperties("neuropipe.gateway.store-outage")
public record StoreOutageProperties(
        @NotNull @DefaultValue("2s") Duration retryAfter,
        @NotNull @DefaultValue("2m") Duration consumerWait) {

    public StoreOutageProperties {
        if (retryAfter != null && (retryAfter.isNegative() || retryAfter.isZero())) {
            throw new IllegalArgumentException("neuropipe.gateway.store-outage.retry-after=" + retryAfter + " must be positive");
        }
        if (consumerWait != null && (consumerWait.isNegative() || consumerWait.compareTo(Duration.ofMinutes(4)) > 0)) {
            throw new IllegalArgumentException("neuropipe.gateway.store-outage.consumer-wait=" + consumerWait
                + " must be between 0 and 4m (below the consumers' max.poll.interval.ms of 5m)");
        }
    }

    /** {@link #retryAfter} in whole seconds, at least 1, as the header carries it. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
