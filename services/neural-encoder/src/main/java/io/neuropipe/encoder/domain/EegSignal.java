package io.neuropipe.encoder.domain;

import java.util.List;

/**
 * Multichannel EEG at one sampling rate: a continuous recording or one epoch.
 *
 * @param channels   channel names, one per row of {@code data}
 * @param sampleRate samples per second
 * @param startTime  time of the first sample in seconds: from the recording start for a continuous
 *                   recording, relative to the event onset for an epoch (e.g. -0.2)
 * @param samples    samples per channel
 * @param data       channel-major values, {@code channels.size() * samples} floats: [channels, samples]
 */
public record EegSignal(List<String> channels, double sampleRate, double startTime, int samples, float[] data) {

    public EegSignal {
        channels = List.copyOf(channels);
        if (!(sampleRate > 0) || Double.isInfinite(sampleRate)) {
            throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
        }
        if (samples < 0 || (long) channels.size() * samples != data.length) {
            throw new IllegalArgumentException("[" + channels.size() + " channels, " + samples + " samples] needs "
                + (long) channels.size() * samples + " values, got " + data.length);
        }
    }

    /** One trial [channels, samples] starting at the onset (an NPY trial, a JSON tensor), named by {@code channels}. */
    public static EegSignal trial(List<String> channels, double sampleRate, float[] data) {
        if (channels.isEmpty() || data.length % channels.size() != 0) {
            throw new io.neuropipe.runtime.step.InvalidInputException("EEG trial of " + data.length + " values does not split into "
                + channels.size() + " channels");
        }
        return new EegSignal(channels, sampleRate, 0.0, data.length / channels.size(), data);
    }

    public int channelCount() {
        return channels.size();
    }

    /** A copy of one channel's samples. */
    public float[] channel(int c) {
        return java.util.Arrays.copyOfRange(data, c * samples, (c + 1) * samples);
    }

    /** The duration in seconds ({@code samples / sampleRate}). */
    public double duration() {
        return samples / sampleRate;
    }

    /** Same channels and timing, new values. */
    public EegSignal withData(float[] newData) {
        return new EegSignal(channels, sampleRate, startTime, samples, newData);
    }

    @Override
    public String toString() {
        return "EegSignal[" + channels.size() + " channels x " + samples + " samples @ " + sampleRate + " Hz, t0=" + startTime + "]";
    }
}
