package io.neuropipe.encoder.domain;

import io.neuropipe.runtime.step.InvalidInputException;

/** Rejects NaN and infinite values, naming the channel and time of the first one. */
public final class FiniteCheck implements EegPreProcessor {

    @Override
    public EegSignal process(EegSignal in) {
        float[] d = in.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                int ch = i / in.samples();
                int k = i % in.samples();
                throw new InvalidInputException("EEG channel " + in.channels().get(ch) + " has " + d[i] + " at sample " + k
                    + " (t = " + (in.startTime() + k / in.sampleRate()) + " s); NaN and infinite values are not accepted");
            }
        }
        return in;
    }

    /** Throws if any value of {@code values} is NaN or infinite; {@code what} names the input. */
    public static float[] requireFinite(float[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new InvalidInputException(what + " has " + values[i] + " at index " + i + "; NaN and infinite values are not accepted");
            }
        }
        return values;
    }
}
