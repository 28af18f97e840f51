package io.neuropipe.encoder.domain;

/**
 * Which samples around an event form an epoch, and which are its baseline.
 *
 * @param tmin          start of the epoch in seconds relative to the onset (0 for ATM)
 * @param tmax          end of the epoch (exclusive) in seconds relative to the onset (1.0 for ATM)
 * @param baselineStart start of the baseline window relative to the onset, NaN for none
 * @param baselineEnd   end of the baseline window (exclusive), NaN for none
 */
public record EpochWindow(double tmin, double tmax, double baselineStart, double baselineEnd) {

    public EpochWindow {
        if (!Double.isFinite(tmin) || !Double.isFinite(tmax) || tmax <= tmin) {
            throw new IllegalArgumentException("epoch window must have tmin < tmax: [" + tmin + ", " + tmax + ")");
        }
        if (Double.isNaN(baselineStart) != Double.isNaN(baselineEnd)) {
            throw new IllegalArgumentException("give both baseline bounds or neither");
        }
        if (!Double.isNaN(baselineStart) && (Double.isInfinite(baselineStart) || Double.isInfinite(baselineEnd)
            || baselineEnd <= baselineStart)) {
            throw new IllegalArgumentException("baseline window must have start < end: [" + baselineStart + ", " + baselineEnd + ")");
        }
    }

    /** {@code [tmin, tmax)} without baseline correction. */
    public static EpochWindow of(double tmin, double tmax) {
        return new EpochWindow(tmin, tmax, Double.NaN, Double.NaN);
    }

    /** The same window, baseline-corrected with the mean over {@code [start, end)} per channel. */
    public EpochWindow withBaseline(double start, double end) {
        return new EpochWindow(tmin, tmax, start, end);
    }

    public boolean hasBaseline() {
        return !Double.isNaN(baselineStart);
    }
}
