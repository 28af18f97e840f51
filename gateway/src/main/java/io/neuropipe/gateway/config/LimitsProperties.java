package io.neuropipe.gateway.config;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Request limits enforced before any work starts ({@code neuropipe.gateway.limits.*}).
 *
 * @param maxBodyBytes      largest request body; a larger declared Content-Length is answered
 *                          413 before the body is read, a longer chunked body when it passes the limit
 * @param maxTensorElements most elements of one input tensor
 * @param maxFileBytes      largest uploaded file of a multipart job request
 * @param maxFiles          most files in one multipart job request
 */
@Validated
@ConfigurationProperties("neuropipe.gateway.limits")
public record LimitsProperties(
        @Min(1) @DefaultValue("16777216") long maxBodyBytes,
        @Min(1) @DefaultValue("4194304") long maxTensorElements,
        @Min(1) @DefaultValue("8388608") long maxFileBytes,
        @Min(1) @DefaultValue("8") int maxFiles) {
}
