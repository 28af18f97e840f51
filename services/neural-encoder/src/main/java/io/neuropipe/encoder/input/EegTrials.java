package io.neuropipe.encoder.input;

import java.util.List;

/**
 * EEG trials ready for the encoder.
 *
 * @param trials  model inputs, each [channels * samples] in the model's montage order and rate
 * @param onsets  event onsets in seconds from the recording start (EDF input), empty for trials given as such
 * @param labels  event labels (EDF+ annotation texts or {@code onset/<i>}), empty for trials given as such
 * @param batched true when the input held several trials (a [n, C, T] array or a recording): the
 *                embeddings are then returned as [n, E] even for n = 1
 */
public record EegTrials(List<float[]> trials, double[] onsets, List<String> labels, boolean batched) {

    public EegTrials {
        trials = List.copyOf(trials);
        labels = List.copyOf(labels);
    }
}
