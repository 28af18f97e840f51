package io.neuropipe.encoder.domain;

import java.util.ArrayList;
import java.util.List;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Cuts epochs [channels, samples] out of a continuous recording at event onsets (MNE's convention):
 * the onset sample is {@code rint((onset - startTime) * rate)}, the epoch starts
 * {@code rint(tmin * rate)} samples from it and holds {@code rint((tmax - tmin) * rate)} samples. With
 * a baseline window, each channel's mean over that window (which may lie outside the epoch, as
 * ATM's -0.2..0 s does) is subtracted.
 */
public final class Epocher {

    private final EpochWindow window;

    public Epocher(EpochWindow window) {
        this.window = window;
    }

    public EpochWindow window() {
        return window;
    }

    /** One epoch per event, in event order; any event whose window leaves the recording is an error. */
    public List<EegSignal> epochs(EegSignal continuous, List<EegEvent> events) {
        List<EegSignal> out = new ArrayList<>(events.size());
        for (EegEvent e : events) {
            out.add(epoch(continuous, e));
        }
        return out;
    }

    /** The events whose epoch (and baseline) windows lie inside {@code continuous}: to drop, say, a last event cut off by the recording's end. */
    public List<EegEvent> inside(EegSignal continuous, List<EegEvent> events) {
        List<EegEvent> ok = new ArrayList<>();
        for (EegEvent e : events) {
            double rate = continuous.sampleRate();
            long onset = Math.round(Math.rint((e.onset() - continuous.startTime()) * rate));
            long s0 = onset + Math.round(Math.rint(window.tmin() * rate));
            long s1 = s0 + Math.round(Math.rint((window.tmax() - window.tmin()) * rate));
            boolean fits = s0 >= 0 && s1 <= continuous.samples();
            if (window.hasBaseline()) {
                fits &= onset + Math.round(Math.rint(window.baselineStart() * rate)) >= 0
                    && onset + Math.round(Math.rint(window.baselineEnd() * rate)) <= continuous.samples();
            }
            if (fits) {
                ok.add(e);
            }
        }
        return ok;
    }

    public EegSignal epoch(EegSignal x, EegEvent event) {
        double rate = x.sampleRate();
        long onset = Math.round(Math.rint((event.onset() - x.startTime()) * rate));
        long startOffset = Math.round(Math.rint(window.tmin() * rate));
        int n = (int) Math.round(Math.rint((window.tmax() - window.tmin()) * rate));
        if (n < 1) {
            throw new InvalidInputException("epoch window [" + window.tmin() + ", " + window.tmax() + ") s holds no sample at " + rate + " Hz");
        }
        long s0 = onset + startOffset;
        requireInside(x, event, s0, s0 + n, "epoch", window.tmin(), window.tmax());
        int t = x.samples();
        int c = x.channelCount();
        float[] out = new float[c * n];
        for (int ch = 0; ch < c; ch++) {
            System.arraycopy(x.data(), ch * t + (int) s0, out, ch * n, n);
        }
        if (window.hasBaseline()) {
            long b0 = onset + Math.round(Math.rint(window.baselineStart() * rate));
            long b1 = onset + Math.round(Math.rint(window.baselineEnd() * rate));
            if (b1 <= b0) {
                throw new InvalidInputException("baseline window [" + window.baselineStart() + ", " + window.baselineEnd()
                    + ") s holds no sample at " + rate + " Hz");
            }
            requireInside(x, event, b0, b1, "baseline", window.baselineStart(), window.baselineEnd());
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                for (long k = b0; k < b1; k++) {
                    sum += x.data()[ch * t + (int) k];
                }
                float mean = (float) (sum / (b1 - b0));
                for (int k = 0; k < n; k++) {
                    out[ch * n + k] -= mean;
                }
            }
        }
        return new EegSignal(x.channels(), rate, startOffset / rate, n, out);
    }

    private static void requireInside(EegSignal x, EegEvent e, long from, long to, String what, double a, double b) {
        if (from < 0 || to > x.samples()) {
            throw new InvalidInputException("event '" + e.label() + "' at " + e.onset() + " s: the " + what + " window ["
                + a + ", " + b + ") s needs samples " + from + ".." + to + " but the recording has 0.." + x.samples()
                + " (" + x.startTime() + ".." + (x.startTime() + x.duration()) + " s)");
        }
    }
}
