package io.neuropipe.encoder.domain;

/** Resamples every channel to the model's rate with a {@link PolyphaseResampler} (filters cached per input rate); a no-op at that rate. */
public final class Resample implements EegPreProcessor {

    private final double targetRate;
    private final java.util.Map<Double, PolyphaseResampler> byInputRate = new java.util.concurrent.ConcurrentHashMap<>();

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
        PolyphaseResampler r = byInputRate.get(in.sampleRate());
        if (r == null) {
            r = PolyphaseResampler.of(in.sampleRate(), targetRate); // throws for impossible rates: nothing cached
            if (byInputRate.size() < 64) {
                byInputRate.put(in.sampleRate(), r);
            }
        }
        return r.resample(in, targetRate);
    }
}
