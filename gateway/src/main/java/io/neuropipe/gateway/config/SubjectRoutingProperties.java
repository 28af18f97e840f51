package io.neuropipe.gateway.config;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the gateway forwards {@code /v1/subjects/**} ({@code neuropipe.gateway.subjects.*}).
 *
 * @param url     base URL of the neural encoder, which owns the subjects registry
 * @param timeout longest a forwarded call may take (an adapter upload included)
 */
@Validated
@ConfigurationProperties("neuropipe.gateway.subjects")
public record SubjectRoutingProperties(
        @NotNull @DefaultValue("http://localhost:8081") URI url,
        @NotNull @DefaultValue("60s") Duration timeout) {
}
