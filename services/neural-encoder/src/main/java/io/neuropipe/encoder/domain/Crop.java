package io.neuropipe.encoder.domain;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Keeps {@code [tmin, tmax)} seconds (relative to the event onset, i.e. in the signal's own
 * {@code startTime} frame): e.g. 0..1.0 s of an epoch cut at -0.2..1.0 s.
 */
public final class Crop implements EegPreProcessor {

    private final double tmin;
    private final double tmax;

    public Crop(double tmin, double tmax) {
        if (!(tmax > tmin) || Double.isInfinite(tmin) || Double.isInfinite(tmax)) {
            throw new IllegalArgumentException("crop needs tmin < tmax: " + tmin + ", " + tmax);
        }
        this.tmin = tmin;
        this.tmax = tmax;
    }

    @Override
    public EegSignal process(EegSignal in) {
        double rate = in.sampleRate();
        long s0 = Math.round(Math.rint((tmin - in.startTime()) * rate));
        int n = (int) Math.round(Math.rint((tmax - tmin) * rate));
        if (s0 < 0 || s0 + n > in.samples() || n < 1) {
            throw new InvalidInputException("EEG covers " + in.startTime() + ".." + (in.startTime() + in.duration())
                + " s but the model needs " + tmin + ".." + tmax + " s");
        }
        if (s0 == 0 && n == in.samples()) {
            return in;
        }
        float[] out = new float[in.channelCount() * n];
        for (int c = 0; c < in.channelCount(); c++) {
            System.arraycopy(in.data(), c * in.samples() + (int) s0, out, c * n, n);
        }
        return new EegSignal(in.channels(), rate, in.startTime() + s0 / rate, n, out);
    }
}
