package io.neuropipe.gateway.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How this gateway instance learns that another instance ended a job ({@code neuropipe.gateway.job-ends.*}), so that
 * its waiting {@code GET /v1/jobs/{id}?wait=}, {@code generate} calls and live streams of that job end at once.
 *
 * @param listen      LISTEN on the job store's {@code neuropipe_job_ended} PostgreSQL channel (one extra database
 *                    connection per instance); false leaves jobs ended elsewhere to the waits' timeouts and the
 *                    relay sweep's resync, as with a single instance
 * @param pollTimeout longest the listener blocks waiting for a notice before it checks that it should go on; bounds
 *                    how long shutting down takes
 */
@Validated
@ConfigurationProperties("neuropipe.gateway.job-ends")
public record JobEndProperties(
        @DefaultValue("true") boolean listen,
        @NotNull @DefaultValue("1s") Duration pollTimeout) {

    public JobEndProperties {
        if (pollTimeout != null && (pollTimeout.toMillis() < 1 || pollTimeout.compareTo(Duration.ofMinutes(1)) > 0)) {
            throw new IllegalArgumentException("neuropipe.gateway.job-ends.poll-timeout=" + pollTimeout
                + " must be between 1ms and 1m");
        }
    }
}
