package io.neuropipe.runtime.oip;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The service's Open Inference Protocol v2 endpoint ({@code neuropipe.oip.*}).
 *
 * @param enabled     whether a web service serves {@code /v2} over its model repository
 * @param maxElements most elements of one input tensor
 */
@Validated
@ConfigurationProperties("neuropipe.oip")
public record OipProperties(
        @DefaultValue("true") boolean enabled,
        @Min(1) @DefaultValue("16777216") long maxElements) {
}
