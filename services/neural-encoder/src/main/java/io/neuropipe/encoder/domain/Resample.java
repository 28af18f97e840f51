package io.neuropipe.encoder.domain;

/** Resamples every channel to the model's rate with a {@link PolyphaseResampler}; a no-op at that rate. */
public final class Resample implements EegPreProcessor {

    private final double targetRate;

    public Resample(double targetRate) {
        if (!(targetRate > 0) || Double.isInfinite(targetRate)) {
            throw new IllegalArgumentException("target rate must be positive: " + targetRate);
        }
        this.targetRate = targetRate;
    }

    @Override
    public EegSignal process(EegSignal in) {
        if (in.sampleRate() == targetRate) {
            return in;
        }
        return PolyphaseResampler.of(in.sampleRate(), targetRate).resample(in, targetRate);
    }
}
