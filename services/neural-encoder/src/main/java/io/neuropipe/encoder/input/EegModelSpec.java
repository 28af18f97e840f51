package io.neuropipe.encoder.input;

import java.util.List;

import io.neuropipe.encoder.domain.ChannelNormalization;
import io.neuropipe.encoder.domain.EegPreprocessing;
import io.neuropipe.encoder.domain.EpochWindow;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelContractException;

/**
 * What an EEG model's card says its input is: montage, sampling rate, epoch window and, where the
 * card declares them ({@code baseline_s: [a, b]}, {@code normalisation: zscore}), baseline
 * correction and per-channel normalisation. The zoo's cards declare neither: training used the
 * raw 0..1 s epochs in µV (the graph scales them itself), so the service must not add either.
 *
 * @param montage       channel names in the model's order
 * @param sampleRate    the model's sampling rate in Hz
 * @param window        the epoch around an onset (and its baseline, if any)
 * @param normalization per-channel normalisation, null for none
 */
public record EegModelSpec(List<String> montage, double sampleRate, EpochWindow window, ChannelNormalization normalization) {

    public EegModelSpec {
        montage = List.copyOf(montage);
    }

    public static EegModelSpec of(ModelCard card) {
        if (!(card.preprocessing().get("channels") instanceof List<?> channels) || channels.isEmpty()) {
            throw new ModelContractException("Model " + card.id() + ": card has no preprocessing.channels (the montage)");
        }
        double rate = card.preprocessingNumber("sampling_rate", Double.NaN);
        if (!(rate > 0)) {
            throw new ModelContractException("Model " + card.id() + ": card has no positive preprocessing.sampling_rate");
        }
        double[] epoch = pair(card, "epoch_s", new double[] {0.0, card.preprocessingNumber("samples", rate) / rate});
        double[] baseline = pair(card, "baseline_s", new double[] {Double.NaN, Double.NaN});
        EpochWindow window = new EpochWindow(epoch[0], epoch[1], baseline[0], baseline[1]);
        Object norm = card.preprocessing().get("normalisation");
        ChannelNormalization n = "zscore".equals(norm) ? ChannelNormalization.zScore() : null;
        if (norm != null && n == null) {
            throw new ModelContractException("Model " + card.id() + ": unknown preprocessing.normalisation '" + norm + "' (known: zscore)");
        }
        return new EegModelSpec(channels.stream().map(String::valueOf).toList(), rate, window, n);
    }

    /** Samples per channel the model takes. */
    public int samples() {
        return (int) Math.round(Math.rint((window.tmax() - window.tmin()) * sampleRate));
    }

    /** The chain for one trial that starts at the onset ({@code startTime} seconds relative to it). */
    public EegPreprocessing trialChain() {
        EegPreprocessing.Spec spec = new EegPreprocessing.Spec(montage, sampleRate, window.tmin(), window.tmax(),
            window.baselineStart(), window.baselineEnd(), normalization);
        return EegPreprocessing.forModel(spec);
    }

    private static double[] pair(ModelCard card, String key, double[] fallback) {
        Object v = card.preprocessing().get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a && l.get(1) instanceof Number b) {
            return new double[] {a.doubleValue(), b.doubleValue()};
        }
        throw new ModelContractException("Model " + card.id() + ": preprocessing." + key + " must be [start, end] seconds, is " + v);
    }
}
