package io.neuropipe.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * API keys and rate limits ({@code neuropipe.gateway.auth.*}).
 *
 * @param enabled   whether requests need an API key; false (local mode only) makes every caller
 *                  the default tenant with admin rights and switches rate limiting off
 * @param adminKey  key of the administrator, who manages tenants' keys at {@code /v1/admin/keys};
 *                  required when enabled, at least 24 characters
 * @param rateLimit token bucket per API key
 */
@Validated
@ConfigurationProperties("neuropipe.gateway.auth")
public record AuthProperties(
        @DefaultValue("true") boolean enabled,
        String adminKey,
        @Valid @NotNull @DefaultValue RateLimit rateLimit) {

    public static final int MIN_ADMIN_KEY_LENGTH = 24;

    public AuthProperties {
        if (enabled && (adminKey == null || adminKey.length() < MIN_ADMIN_KEY_LENGTH)) {
            throw new IllegalArgumentException("neuropipe.gateway.auth.admin-key must be set (at least "
                + MIN_ADMIN_KEY_LENGTH + " characters) while neuropipe.gateway.auth.enabled=true; "
                + "set neuropipe.gateway.auth.enabled=false only for local development");
        }
    }

    /**
     * Token bucket per API key: a burst of {@code capacity} requests, refilled at
     * {@code refillPerSecond}; an empty bucket answers 429 with Retry-After.
     */
    public record RateLimit(
            @Min(1) @DefaultValue("50") int capacity,
            @Min(1) @DefaultValue("20") int refillPerSecond) {
    }
}
