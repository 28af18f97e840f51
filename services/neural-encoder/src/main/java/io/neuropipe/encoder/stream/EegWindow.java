package io.neuropipe.encoder.stream;

import java.util.List;

import io.neuropipe.proto.v1.StreamGap;

/**
 * One window cut from a session's stream, ready for decoding.
 *
 * @param samples       channel-major [channels, windowSamples] at {@code sampleRate}, rows named by {@code channels}
 * @param startSample   index of the first sample among the session's accepted samples
 * @param gapBefore     the gap just before this window, or null
 * @param receivedNanos {@link System#nanoTime()} when the chunk that completed the window was received
 */
public record EegWindow(String sessionId, long windowIndex, long startSample, List<String> channels, double sampleRate,
                        int windowSamples, float[] samples, long firstSequence, long lastSequence, StreamGap gapBefore,
                        String subject, String gallery, long receivedNanos) {
}
