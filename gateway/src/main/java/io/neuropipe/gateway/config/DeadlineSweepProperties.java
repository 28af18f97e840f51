package io.neuropipe.gateway.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's deadline sweep ({@code neuropipe.gateway.deadline-sweep.*}).
 *
 * @param interval how often open jobs past their deadline (plus {@code neuropipe.gateway.deadline-grace})
 *                 are looked for and failed with DEADLINE_EXCEEDED; with the default grace of 0 an
 *                 expired job fails within this interval after its deadline, even if no service
 *                 ever picked it up
 */
@Validated
@ConfigurationProperties("neuropipe.gateway.deadline-sweep")
public record DeadlineSweepProperties(@NotNull @DefaultValue("200ms") Duration interval) {

    public DeadlineSweepProperties {
        if (interval != null && (interval.isNegative() || interval.isZero())) {
            throw new IllegalArgumentException("neuropipe.gateway.deadline-sweep.interval=" + interval + " must be positive");
        }
    }
}
