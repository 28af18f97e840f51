package io.neuropipe.encoder.domain;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Per-channel normalisation: either z-scoring each channel over its own samples, or
 * {@code (x - mean[c]) / std[c]} with statistics from training (the model card).
 */
public final class ChannelNormalization implements EegPreProcessor {

    private static final double EPS = 1e-8;

    private final double[] mean;
    private final double[] std;

    private ChannelNormalization(double[] mean, double[] std) {
        this.mean = mean;
        this.std = std;
    }

    /** Each channel to zero mean and unit standard deviation over its samples (a flat channel stays 0). */
    public static ChannelNormalization zScore() {
        return new ChannelNormalization(null, null);
    }

    /** {@code (x - mean[c]) / std[c]} per montage channel. */
    public static ChannelNormalization withStats(double[] mean, double[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std lengths differ: " + mean.length + " vs " + std.length);
        }
        for (double s : std) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("std must be positive and finite: " + s);
            }
        }
        return new ChannelNormalization(mean.clone(), std.clone());
    }

    @Override
    public EegSignal process(EegSignal in) {
        int c = in.channelCount();
        int t = in.samples();
        if (mean != null && mean.length != c) {
            throw new InvalidInputException("normalisation statistics are for " + mean.length + " channels, EEG has " + c);
        }
        float[] x = in.data();
        float[] out = new float[x.length];
        for (int ch = 0; ch < c; ch++) {
            int o = ch * t;
            double m;
            double s;
            if (mean != null) {
                m = mean[ch];
                s = std[ch];
            } else {
                double sum = 0;
                for (int k = 0; k < t; k++) {
                    sum += x[o + k];
                }
                m = sum / t;
                double ss = 0;
                for (int k = 0; k < t; k++) {
                    double d = x[o + k] - m;
                    ss += d * d;
                }
                s = Math.sqrt(ss / t);
            }
            double inv = s > EPS ? 1.0 / s : 0.0;
            for (int k = 0; k < t; k++) {
                out[o + k] = (float) ((x[o + k] - m) * inv);
            }
        }
        return in.withData(out);
    }
}
