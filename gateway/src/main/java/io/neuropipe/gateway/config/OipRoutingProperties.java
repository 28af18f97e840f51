package io.neuropipe.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Routing of Open Inference Protocol v2 calls to the services ({@code neuropipe.gateway.oip.*}).
 *
 * @param models     base URL of the service that serves each model, e.g.
 *                   {@code eeg-encoder: http://neural-encoder:8081}
 * @param defaultUrl service for models not in {@code models}; unset = such models are unknown (404)
 * @param timeout    longest a forwarded call may take
 */
@Validated
@ConfigurationProperties("neuropipe.gateway.oip")
public record OipRoutingProperties(
        @DefaultValue Map<String, URI> models,
        URI defaultUrl,
        @NotNull @DefaultValue("30s") Duration timeout) {

    public OipRoutingProperties {
        models = models == null ? Map.of() : Map.copyOf(models);
    }
}
