package io.neuropipe.runtime.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How steps are wired to Kafka.
 *
 * @param service     name of this service, recorded on every event it publishes
 * @param topicPrefix prefix of step input topics; a step named {@code encode} reads {@code <prefix>encode}
 * @param eventsTopic topic that step results, partial outputs and failures are published to
 */
@Validated
@ConfigurationProperties("neuropipe.steps")
public record StepProperties(
        @NotBlank @DefaultValue("neuropipe") String service,
        @NotBlank @DefaultValue("neuropipe.step.") String topicPrefix,
        @NotBlank @DefaultValue("neuropipe.job-events") String eventsTopic) {

    public String topicOf(String step) {
        return topicPrefix + step;
    }
}
