package io.neuropipe.local.bench;

import java.util.Arrays;

/** Percentiles of latency samples, in milliseconds. */
record Stats(double p50, double p95, double mean, int n) {

    static Stats of(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        return new Stats(pct(sorted, 0.50), pct(sorted, 0.95), mean, sorted.length);
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "p50 %.2f ms, p95 %.2f ms, mean %.2f ms (n=%d)", p50, p95, mean, n);
    }
}
