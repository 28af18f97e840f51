package io.neuropipe.pruner.domain;

import java.util.Arrays;
import java.util.stream.IntStream;

/** Builds the kept subset of a token set, and ranks tokens by CLS attention. */
public final class TokenSelection {

    private TokenSelection() {
    }

    /** Keeps {@code indices} (any order, no duplicates), returned in ascending grid order with sizes and key flags. */
    public static VisionTokens keep(VisionTokens all, int[] indices) {
        int[] sorted = indices.clone();
        Arrays.sort(sorted);
        int dim = all.dim();
        float[] tokens = new float[sorted.length * dim];
        long[] positions = new long[sorted.length];
        float[] attention = new float[sorted.length];
        float[] sizes = new float[sorted.length];
        boolean[] keys = new boolean[sorted.length];
        for (int k = 0; k < sorted.length; k++) {
            int i = sorted[k];
            if (k > 0 && sorted[k - 1] == i) {
                throw new IllegalArgumentException("Token " + i + " selected twice");
            }
            System.arraycopy(all.tokens(), i * dim, tokens, k * dim, dim);
            positions[k] = all.positions()[i];
            attention[k] = all.clsAttention()[i];
            sizes[k] = all.sizes()[i];
            keys[k] = all.keys()[i];
        }
        return new VisionTokens(tokens, sorted.length, dim, positions, attention, all.grid(), sizes, keys);
    }

    /** Token indices by descending CLS attention; ties go to the lower index. */
    public static int[] byAttention(VisionTokens all) {
        float[] attention = all.clsAttention();
        return IntStream.range(0, all.count()).boxed()
            .sorted((a, b) -> {
                int c = Float.compare(attention[b], attention[a]);
                return c != 0 ? c : Integer.compare(a, b);
            })
            .mapToInt(Integer::intValue).toArray();
    }

    /** The {@code k} most attended token indices (ties to the lower index). */
    public static int[] topByAttention(VisionTokens all, int k) {
        return Arrays.copyOf(byAttention(all), Math.min(k, all.count()));
    }

    /**
     * Keeps every token flagged in {@code forced} plus the most attended of the others, {@code keep} in all
     * (never fewer than the forced ones).
     */
    public static VisionTokens keepForcedThenTop(VisionTokens all, boolean[] forced, int keep) {
        int[] order = byAttention(all);
        int forcedCount = 0;
        for (boolean f : forced) {
            forcedCount += f ? 1 : 0;
        }
        int total = Math.min(all.count(), Math.max(keep, forcedCount));
        int[] chosen = new int[total];
        int n = 0;
        for (int i = 0; i < all.count(); i++) {
            if (forced[i]) {
                chosen[n++] = i;
            }
        }
        for (int i = 0; n < total; i++) {
            if (!forced[order[i]]) {
                chosen[n++] = order[i];
            }
        }
        return keep(all, chosen);
    }
}
