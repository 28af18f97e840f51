package io.neuropipe.encoder.domain;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Subtracts, per channel, the mean over the baseline window {@code [start, end)} seconds (relative
 * to the event onset, in the signal's {@code startTime} frame).
 */
public final class BaselineCorrection implements EegPreProcessor {

    private final double start;
    private final double end;

    public BaselineCorrection(double start, double end) {
        if (!(end > start) || Double.isInfinite(start) || Double.isInfinite(end)) {
            throw new IllegalArgumentException("baseline needs start < end: " + start + ", " + end);
        }
        this.start = start;
        this.end = end;
    }

    @Override
    public EegSignal process(EegSignal in) {
        double rate = in.sampleRate();
        long b0 = Math.round(Math.rint((start - in.startTime()) * rate));
        long b1 = Math.round(Math.rint((end - in.startTime()) * rate));
        if (b0 < 0 || b1 > in.samples() || b1 <= b0) {
            throw new InvalidInputException("baseline window " + start + ".." + end + " s is not inside the EEG's "
                + in.startTime() + ".." + (in.startTime() + in.duration()) + " s");
        }
        return in.withData(subtractMean(in.data(), in.channelCount(), in.samples(), (int) b0, (int) b1));
    }

    /** A copy of {@code data} [channels, samples] with each channel's mean over samples {@code [from, to)} subtracted. */
    public static float[] subtractMean(float[] data, int channels, int samples, int from, int to) {
        float[] out = new float[data.length];
        for (int c = 0; c < channels; c++) {
            int o = c * samples;
            double sum = 0;
            for (int k = from; k < to; k++) {
                sum += data[o + k];
            }
            double mean = sum / (to - from);
            for (int k = 0; k < samples; k++) {
                out[o + k] = (float) (data[o + k] - mean);
            }
        }
        return out;
    }
}
