package io.neuropipe.encoder.config;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Real-time EEG streams ({@code neuropipe.encoder.stream.*}): {@code EegChunk}s in, one
 * {@code EegWindowDecoded} per sliding window out.
 *
 * @param enabled            whether this instance consumes the stream topic
 * @param inputTopic         topic of {@code EegChunk}s, keyed by session
 * @param outputTopic        topic the decoded windows are written to, keyed by session
 * @param noticesTopic       topic of gap and rejected-chunk notices, keyed by session
 * @param group              consumer group; the group's committed offsets carry the window state across restarts
 * @param window             window length; must equal the EEG encoder's epoch (1 s for the zoo's encoder)
 * @param windowHop          time between the starts of consecutive windows (less than {@code window} = overlapping)
 * @param k                  gallery hits per window
 * @param sessionIdleTimeout a session without chunks for this long is forgotten (its next chunk starts it anew)
 * @param pollTimeout        longest a poll of the input topic waits for chunks
 * @param maxPollRecords     most chunks handled (and committed) in one transaction
 */
@Validated
@ConfigurationProperties("neuropipe.encoder.stream")
public record StreamProperties(
        @DefaultValue("true") boolean enabled,
        @NotBlank @DefaultValue("neuropipe.eeg.stream") String inputTopic,
        @NotBlank @DefaultValue("neuropipe.eeg.decoded") String outputTopic,
        @NotBlank @DefaultValue("neuropipe.eeg.notices") String noticesTopic,
        @NotBlank @DefaultValue("neural-encoder-stream") String group,
        @NotNull @DefaultValue("1s") Duration window,
        @NotNull @DefaultValue("250ms") Duration windowHop,
        @Min(1) @Max(100) @DefaultValue("5") int k,
        @NotNull @DefaultValue("10m") Duration sessionIdleTimeout,
        @NotNull @DefaultValue("50ms") Duration pollTimeout,
        @Min(1) @Max(10000) @DefaultValue("500") int maxPollRecords) {

    public StreamProperties {
        if (windowHop.isNegative() || windowHop.isZero()) {
            throw new IllegalArgumentException("neuropipe.encoder.stream.window-hop must be positive, got " + windowHop);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("neuropipe.encoder.stream.window must be positive, got " + window);
        }
    }
}
