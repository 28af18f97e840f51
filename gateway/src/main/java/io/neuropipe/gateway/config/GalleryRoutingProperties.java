package io.neuropipe.gateway.config;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Routing of the gallery API ({@code neuropipe.gateway.galleries.*}).
 *
 * @param url     base URL of the service that owns the galleries (the neural encoder)
 * @param timeout longest a forwarded gallery call may take (uploads embed images, so allow for that)
 */
@Validated
@ConfigurationProperties("neuropipe.gateway.galleries")
public record GalleryRoutingProperties(
        @NotNull @DefaultValue("http://localhost:8081") URI url,
        @NotNull @DefaultValue("120s") Duration timeout) {
}
