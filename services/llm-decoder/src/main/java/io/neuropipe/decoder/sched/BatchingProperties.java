package io.neuropipe.decoder.sched;

import java.time.Duration;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Continuous batching of decode requests.
 *
 * @param maxRunning    most sequences decoded together in one model call; more wait in the queue
 * @param queueCapacity most sequences waiting to join; a request that finds the queue full waits up to {@code admitTimeout}
 * @param admitTimeout  how long a request waits for a queue slot before failing as transient (the message is retried)
 * @param maxPrefillPadding sequences that join together are prefilled in one call, longest first, each padded to the
 *                      call's longest; a sequence joins a call while its padding is at most this share of the call's
 *                      width; 0 = only equally long prompts share a call
 */
@Validated
@ConfigurationProperties("neuropipe.decoder.batching")
public record BatchingProperties(
        @Min(1) @Max(256) @DefaultValue("8") int maxRunning,
        @Min(1) @DefaultValue("64") int queueCapacity,
        @NotNull @DefaultValue("30s") Duration admitTimeout,
        @DecimalMin("0.0") @DecimalMax("0.95") @DefaultValue("0.25") double maxPrefillPadding) {

    @ConstructorBinding
    public BatchingProperties {
    }

    public BatchingProperties(int maxRunning, int queueCapacity, Duration admitTimeout) {
        this(maxRunning, queueCapacity, admitTimeout, 0.25);
    }

    public static BatchingProperties defaults() {
        return new BatchingProperties(8, 64, Duration.ofSeconds(30));
    }
}
