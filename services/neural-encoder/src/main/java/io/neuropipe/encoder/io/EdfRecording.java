package io.neuropipe.encoder.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.neuropipe.encoder.domain.EegEvent;
import io.neuropipe.encoder.domain.EegSignal;
import io.neuropipe.encoder.domain.PolyphaseResampler;
import io.neuropipe.runtime.step.InvalidInputException;

/**
 * A decoded EDF or EDF+ file.
 *
 * @param name           file or upload name, used in error messages
 * @param patient        local patient identification field
 * @param recording      local recording identification field
 * @param startDate      start date as written ({@code dd.mm.yy})
 * @param startTime      start time as written ({@code hh.mm.ss})
 * @param edfPlus        whether the reserved field says EDF+ ({@code EDF+C} or {@code EDF+D})
 * @param continuous     false only for EDF+D (discontinuous) files
 * @param recordDuration seconds per data record
 * @param recordStarts   start of each data record in seconds from the start time (from the EDF+
 *                       time-keeping annotations; {@code r * recordDuration} for plain EDF)
 * @param signals        all signals in file order, annotation signals included
 * @param annotations    all EDF+ annotations with text, in file order (time-keeping TALs left out)
 */
public record EdfRecording(String name, String patient, String recording, String startDate, String startTime,
                           boolean edfPlus, boolean continuous, double recordDuration, double[] recordStarts,
                           List<EdfSignal> signals, List<EdfAnnotation> annotations) {

    public EdfRecording {
        signals = List.copyOf(signals);
        annotations = List.copyOf(annotations);
    }

    public int recordCount() {
        return recordStarts.length;
    }

    /** The signals that carry samples (not {@code EDF Annotations}). */
    public List<EdfSignal> dataSignals() {
        return signals.stream().filter(s -> !s.isAnnotations()).toList();
    }

    /** Channel names of the data signals ({@link EdfSignal#channelName()}), in file order. */
    public List<String> channelNames() {
        return dataSignals().stream().map(EdfSignal::channelName).toList();
    }

    /** Every annotation as an event, in file order. */
    public List<EegEvent> events() {
        return events(t -> true);
    }

    /** Annotations whose whole text matches {@code regex} (e.g. {@code stim/.*}), as events. */
    public List<EegEvent> events(String regex) {
        Pattern p = Pattern.compile(regex);
        return events(t -> p.matcher(t).matches());
    }

    public List<EegEvent> events(Predicate<String> textFilter) {
        return annotations.stream().filter(a -> textFilter.test(a.text())).map(a -> new EegEvent(a.onset(), a.text())).toList();
    }

    /** All data signals as one continuous signal; they must share one sampling rate. */
    public EegSignal toEeg() {
        List<EdfSignal> data = dataSignals();
        if (data.isEmpty()) {
            throw new InvalidInputException(name + ": has no data signals");
        }
        double rate = data.get(0).sampleRate();
        for (EdfSignal s : data) {
            if (s.sampleRate() != rate) {
                throw new InvalidInputException(name + ": signals have different sampling rates (" + data.get(0).label() + " "
                    + rate + " Hz, " + s.label() + " " + s.sampleRate() + " Hz); select channels or give a target rate");
            }
        }
        return combine(data, rate);
    }

    /** All data signals, each resampled to {@code rate} where it differs. */
    public EegSignal toEeg(double rate) {
        List<EdfSignal> data = dataSignals();
        if (data.isEmpty()) {
            throw new InvalidInputException(name + ": has no data signals");
        }
        return combine(data, rate);
    }

    /**
     * The named channels (matched case-insensitively to the channel name or the full label), in the
     * order given, each resampled to {@code rate} where it differs.
     */
    public EegSignal toEeg(List<String> channels, double rate) {
        List<EdfSignal> data = dataSignals();
        List<EdfSignal> picked = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String c : channels) {
            String key = c.strip().toLowerCase(Locale.ROOT);
            EdfSignal hit = data.stream().filter(s -> s.channelName().toLowerCase(Locale.ROOT).equals(key)
                || s.label().toLowerCase(Locale.ROOT).equals(key)).findFirst().orElse(null);
            if (hit == null) {
                missing.add(c);
            } else {
                picked.add(hit);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException(name + ": missing channels " + missing + "; the file has " + channelNames());
        }
        return combine(picked, rate);
    }

    private EegSignal combine(List<EdfSignal> picked, double rate) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new InvalidInputException(name + ": target sampling rate must be positive, got " + rate);
        }
        requireContiguous();
        float[][] rows = new float[picked.size()][];
        int n = Integer.MAX_VALUE;
        for (int i = 0; i < rows.length; i++) {
            EdfSignal s = picked.get(i);
            float[] x = s.samples();
            double uv = s.microvoltsPerUnit();
            if (Double.isFinite(uv) && uv != 1.0) {
                x = x.clone();
                for (int k = 0; k < x.length; k++) {
                    x[k] = (float) (x[k] * uv);
                }
            }
            if (s.sampleRate() != rate) {
                x = PolyphaseResampler.of(s.sampleRate(), rate).resample(x);
            }
            rows[i] = x;
            n = Math.min(n, x.length);
        }
        float[] data = new float[rows.length * n];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, data, i * n, n);
        }
        double t0 = recordStarts.length > 0 ? recordStarts[0] : 0.0;
        return new EegSignal(picked.stream().map(EdfSignal::channelName).toList(), rate, t0, n, data);
    }

    private void requireContiguous() {
        for (int r = 1; r < recordStarts.length; r++) {
            double expected = recordStarts[0] + r * recordDuration;
            if (Math.abs(recordStarts[r] - expected) > 1e-6 * Math.max(1.0, recordDuration)) {
                throw new InvalidInputException(name + ": discontinuous recording (EDF+D): data record " + r + " starts at "
                    + recordStarts[r] + " s, not " + expected + " s; only continuous data can be used as one signal");
            }
        }
    }

    @Override
    public String toString() {
        return "EdfRecording[" + name + ", " + (edfPlus ? (continuous ? "EDF+C" : "EDF+D") : "EDF") + ", " + recordStarts.length
            + " records x " + recordDuration + " s, " + signals.size() + " signals, " + annotations.size() + " annotations]";
    }
}
