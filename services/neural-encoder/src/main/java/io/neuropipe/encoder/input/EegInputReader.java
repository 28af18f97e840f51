package io.neuropipe.encoder.input;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.neuropipe.encoder.domain.ChannelMatcher;
import io.neuropipe.encoder.domain.EegEvent;
import io.neuropipe.encoder.domain.EegPreprocessing;
import io.neuropipe.encoder.domain.EegSignal;
import io.neuropipe.encoder.domain.Epocher;
import io.neuropipe.encoder.domain.FiniteCheck;
import io.neuropipe.encoder.io.EdfReader;
import io.neuropipe.encoder.io.EdfRecording;
import io.neuropipe.encoder.io.FloatNdArray;
import io.neuropipe.encoder.io.NpyReader;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepParams;

/**
 * EEG input -> model-ready trials. Accepts one trial [C, T] or several [n, C, T] as a tensor or an
 * NPY file (channels named by param {@code channels}, default the model's montage; rate by param
 * {@code sample_rate}, default the model's), or an EDF/EDF+ recording cut into epochs at the onsets
 * in param {@code onsets} (seconds, comma-separated) or at its EDF+ annotations (those matching
 * the regex in param {@code events}, default all).
 */
public final class EegInputReader {

    private final EegModelSpec spec;
    private final EegPreprocessing trialChain;
    private final NpyReader npy = new NpyReader();
    private final EdfReader edf = new EdfReader();

    public EegInputReader(EegModelSpec spec) {
        this.spec = spec;
        this.trialChain = spec.trialChain();
    }

    public EegModelSpec spec() {
        return spec;
    }

    public EegTrials read(Payload input, StepParams params) {
        return switch (input.format()) {
            case TENSOR -> trials(input.floatArray("EEG"), params);
            case NPY -> trials(npy.read(input.bytes(), input.name()), params);
            case EDF -> epochs(edf.read(input.bytes(), input.name()), params);
            default -> throw new InvalidInputException("Artifact '" + input.name() + "' is " + input.format()
                + "; EEG is accepted as a tensor, an NPY file or an EDF/EDF+ recording");
        };
    }


    private EegTrials trials(FloatNdArray a, StepParams params) {
        if (a.rank() != 2 && a.rank() != 3) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "EEG must be one trial [channels, samples] or trials"
                + " [n, channels, samples], got " + a.shapeString() + " (the model takes [" + spec.montage().size() + ", "
                + spec.samples() + "])");
        }
        int n = a.rank() == 3 ? a.dim(0) : 1;
        int c = a.dim(a.rank() - 2);
        List<String> channels = channelNames(params, c);
        double rate = params.number("sample_rate", spec.sampleRate(), 1e-3, 1e6);
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] data = a.rank() == 3 ? a.slice(i) : a.data();
            out.add(trialChain.toModelInput(EegSignal.trial(channels, rate, data)));
        }
        return new EegTrials(out, new double[0], List.of(), a.rank() == 3);
    }

    private List<String> channelNames(StepParams params, int count) {
        List<String> names = params.get("channels").map(s -> Arrays.stream(s.split(",")).map(String::strip)
            .filter(x -> !x.isEmpty()).toList()).orElse(spec.montage());
        if (names.size() != count) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "EEG has " + count + " channels but "
                + (params.get("channels").isPresent() ? "param 'channels' names " + names.size()
                : "the model's montage has " + names.size() + "; name the channels with param 'channels'"));
        }
        return names;
    }

    private EegTrials epochs(EdfRecording rec, StepParams params) {
        // Pick the montage first so only the model's channels are scaled and resampled.
        List<String> fileChannels = rec.channelNames();
        new ChannelMatcher(spec.montage()).indices(fileChannels); // names every missing channel
        EegSignal continuous = new FiniteCheck().process(rec.toEeg(spec.montage(), spec.sampleRate()));
        List<EegEvent> events = events(rec, params);
        Epocher epocher = new Epocher(spec.window());
        List<float[]> out = new ArrayList<>(events.size());
        double[] onsets = new double[events.size()];
        List<String> labels = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            EegSignal epoch = epocher.epoch(continuous, events.get(i));
            if (spec.normalization() != null) {
                epoch = spec.normalization().process(epoch);
            }
            out.add(epoch.data());
            onsets[i] = events.get(i).onset();
            labels.add(events.get(i).label());
        }
        return new EegTrials(out, onsets, labels, true);
    }

    private static List<EegEvent> events(EdfRecording rec, StepParams params) {
        List<EegEvent> events;
        if (params.get("onsets").isPresent()) {
            events = new ArrayList<>();
            String[] parts = params.get("onsets").get().split(",");
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i].strip();
                if (p.isEmpty()) {
                    continue;
                }
                double onset;
                try {
                    onset = Double.parseDouble(p);
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("Param 'onsets' must be seconds separated by commas; '" + p + "' is not a number");
                }
                if (!Double.isFinite(onset)) {
                    throw new InvalidInputException("Param 'onsets' holds a non-finite onset: " + p);
                }
                events.add(new EegEvent(onset, "onset/" + i));
            }
        } else {
            String regex = params.string("events", ".+");
            try {
                events = rec.events(regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new InvalidInputException("Param 'events' is not a regular expression: " + e.getDescription());
            }
        }
        if (events.isEmpty()) {
            throw new InvalidInputException(rec.name() + ": no events to cut epochs at; give param 'onsets' (seconds) or a"
                + " recording with EDF+ annotations (param 'events' filters them; it was '" + params.string("events", ".+") + "')");
        }
        return events;
    }
}
