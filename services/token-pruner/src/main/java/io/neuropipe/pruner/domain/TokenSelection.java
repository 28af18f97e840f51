package io.neuropipe.pruner.domain;

import java.util.Arrays;

/** Builds the kept subset of a token set from the indices to keep. */
public final class TokenSelection {

    private TokenSelection() {
    }

    /** Keeps {@code indices} (any order), returned in ascending grid order. */
    public static VisionTokens keep(VisionTokens all, int[] indices) {
        int[] sorted = indices.clone();
        Arrays.sort(sorted);
        float[] tokens = new float[sorted.length * all.dim()];
        long[] positions = new long[sorted.length];
        float[] attention = new float[sorted.length];
        for (int k = 0; k < sorted.length; k++) {
            int i = sorted[k];
            System.arraycopy(all.tokens(), i * all.dim(), tokens, k * all.dim(), all.dim());
            positions[k] = all.positions()[i];
            attention[k] = all.clsAttention()[i];
        }
        return new VisionTokens(tokens, sorted.length, all.dim(), positions, attention, all.grid());
    }
}
