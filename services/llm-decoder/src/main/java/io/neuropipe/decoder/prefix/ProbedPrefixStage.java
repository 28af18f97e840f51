package io.neuropipe.decoder.prefix;

/**
 * Probe the whole [prefix + prompt] sequence once, keep the vision rows the selection picks, and prefill only
 * those (at their original position ids). One instance per request: it remembers what it did for the provenance.
 */
public final class ProbedPrefixStage implements PrefixStage {

    private final AttentionProbe probe;
    private final PrefixSelection selection;
    private final int hidden;
    private volatile int keptTokens = -1;
    private volatile long probeMicros = -1;

    public ProbedPrefixStage(AttentionProbe probe, PrefixSelection selection, int hidden) {
        this.probe = probe;
        this.selection = selection;
        this.hidden = hidden;
    }

    @Override
    public PrefillInput apply(PrefillInput full) {
        long start = System.nanoTime();
        float[] attention = probe.attention(full);
        int[] rows = selection.keep(attention, full.length(), full.prefixLength());
        probeMicros = (System.nanoTime() - start) / 1000;
        keptTokens = rows.length;
        return full.keepPrefixRows(rows, hidden);
    }

    /** Vision tokens kept by the last {@link #apply}, -1 before. */
    public int keptTokens() {
        return keptTokens;
    }

    /** Time of the last probe run and selection, -1 before. */
    public long probeMicros() {
        return probeMicros;
    }
}
