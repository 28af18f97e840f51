package io.neuropipe.encoder.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Puts the input's channels into the model's montage order by name (case-insensitive, surrounding
 * blanks ignored): extra channels are dropped, missing ones are an error naming them, a name
 * given twice is an error.
 */
public final class ChannelMatcher implements EegPreProcessor {

    private final List<String> montage;

    public ChannelMatcher(List<String> montage) {
        if (montage.isEmpty()) {
            throw new IllegalArgumentException("montage is empty");
        }
        this.montage = List.copyOf(montage);
    }

    public List<String> montage() {
        return montage;
    }

    /** For each montage channel, its row in {@code inputChannels}. */
    public int[] indices(List<String> inputChannels) {
        Map<String, Integer> byName = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (int i = 0; i < inputChannels.size(); i++) {
            String key = key(inputChannels.get(i));
            if (byName.putIfAbsent(key, i) != null) {
                duplicates.add(inputChannels.get(i));
            }
        }
        int[] idx = new int[montage.size()];
        List<String> missing = new ArrayList<>();
        for (int m = 0; m < montage.size(); m++) {
            Integer i = byName.get(key(montage.get(m)));
            if (i == null) {
                missing.add(montage.get(m));
            } else {
                idx[m] = i;
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException("EEG is missing " + missing.size() + " of the model's " + montage.size()
                + " channels: " + missing + " (input has " + inputChannels + ")");
        }
        List<String> usedDuplicates = duplicates.stream().filter(d -> montage.stream().anyMatch(m -> key(m).equals(key(d)))).toList();
        if (!usedDuplicates.isEmpty()) {
            throw new InvalidInputException("EEG channel names given more than once: " + usedDuplicates);
        }
        return idx;
    }

    @Override
    public EegSignal process(EegSignal in) {
        int[] idx = indices(in.channels());
        int t = in.samples();
        boolean identity = idx.length == in.channelCount();
        for (int i = 0; identity && i < idx.length; i++) {
            identity = idx[i] == i;
        }
        float[] out = identity ? in.data() : new float[idx.length * t];
        if (!identity) {
            for (int m = 0; m < idx.length; m++) {
                System.arraycopy(in.data(), idx[m] * t, out, m * t, t);
            }
        }
        return new EegSignal(montage, in.sampleRate(), in.startTime(), t, out);
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }
}
