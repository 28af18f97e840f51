package io.neuropipe.encoder.domain;

import java.util.ArrayList;
import java.util.List;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * The EEG pre-processing chain for one model: stages applied in order, then a check that the
 * result has exactly the model's [channels, samples]. {@link #forModel} builds the usual chain:
 * finite check -> channel matching -> baseline correction -> resampling -> crop -> normalisation.
 * The baseline is subtracted before resampling so that the resampler's zero-padded edges (which
 * shade the first and last ~10 output samples) do not bias the baseline mean; resample continuous
 * recordings before epoching where possible, so that epochs never touch those edges.
 */
public final class EegPreprocessing implements EegPreProcessor {

    /**
     * What a model expects (from its card).
     *
     * @param montage       channel names in the model's order
     * @param sampleRate    the model's sampling rate
     * @param tmin          start of the model's window relative to the onset (0 for ATM)
     * @param tmax          end of the window (1.0 for ATM): {@code rint((tmax - tmin) * sampleRate)} samples
     * @param baselineStart baseline window start, NaN for none
     * @param baselineEnd   baseline window end, NaN for none
     * @param normalization per-channel normalisation, null for none
     */
    public record Spec(List<String> montage, double sampleRate, double tmin, double tmax, double baselineStart,
                       double baselineEnd, ChannelNormalization normalization) {

        public Spec {
            montage = List.copyOf(montage);
        }

        /** ATM-style: the montage at {@code rate}, 0..{@code seconds} s, no baseline, no normalisation. */
        public static Spec of(List<String> montage, double rate, double seconds) {
            return new Spec(montage, rate, 0.0, seconds, Double.NaN, Double.NaN, null);
        }

        public Spec withBaseline(double start, double end) {
            return new Spec(montage, sampleRate, tmin, tmax, start, end, normalization);
        }

        public Spec withNormalization(ChannelNormalization n) {
            return new Spec(montage, sampleRate, tmin, tmax, baselineStart, baselineEnd, n);
        }

        public int samples() {
            return (int) Math.round(Math.rint((tmax - tmin) * sampleRate));
        }
    }

    private final List<EegPreProcessor> stages;
    private final int channels;
    private final int samples;

    public EegPreprocessing(List<EegPreProcessor> stages, int channels, int samples) {
        this.stages = List.copyOf(stages);
        this.channels = channels;
        this.samples = samples;
    }

    public static EegPreprocessing forModel(Spec spec) {
        List<EegPreProcessor> s = new ArrayList<>();
        s.add(new FiniteCheck());
        s.add(new ChannelMatcher(spec.montage()));
        if (!Double.isNaN(spec.baselineStart())) {
            s.add(new BaselineCorrection(spec.baselineStart(), spec.baselineEnd()));
        }
        s.add(new Resample(spec.sampleRate()));
        s.add(new Crop(spec.tmin(), spec.tmax()));
        if (spec.normalization() != null) {
            s.add(spec.normalization());
        }
        return new EegPreprocessing(s, spec.montage().size(), spec.samples());
    }

    @Override
    public EegSignal process(EegSignal in) {
        EegSignal x = in;
        for (EegPreProcessor p : stages) {
            x = p.process(x);
        }
        if (x.channelCount() != channels || x.samples() != samples) {
            throw new InvalidInputException("pre-processed EEG has [" + x.channelCount() + ", " + x.samples()
                + "] but the model needs [" + channels + ", " + samples + "]");
        }
        return x;
    }

    /** The model input [channels * samples] for {@code in}. */
    public float[] toModelInput(EegSignal in) {
        return process(in).data();
    }
}
