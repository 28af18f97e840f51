package io.neuropipe.decoder.prefix;

import java.util.Arrays;

/**
 * FastV's choice: the last prompt token's attention row (head-averaged, at layer K - 1) over the vision tokens;
 * the round((1 - R) * n) most attended tokens are kept (at least one, if there is one), ties to the lower index.
 */
public final class FastVSelection {

    private FastVSelection() {
    }

    /**
     * @param attention row-major [length, length] attention weights (query x key)
     * @param length    sequence length; the query is its last row
     * @param vision    the vision tokens are rows/columns {@code 0 .. vision - 1}
     * @param ratio     R, the fraction dropped, in [0, 1)
     * @return ascending indices of the kept vision tokens
     */
    public static int[] keep(float[] attention, int length, int vision, double ratio) {
        int keep = Math.min(vision, Math.max(1, (int) Math.round((1 - ratio) * vision)));
        int query = (length - 1) * length;
        boolean[] taken = new boolean[vision];
        int[] kept = new int[keep];
        for (int i = 0; i < keep; i++) {
            int best = -1;
            for (int j = 0; j < vision; j++) {
                if (!taken[j] && (best < 0 || attention[query + j] > attention[query + best])) {
                    best = j;
                }
            }
            taken[best] = true;
            kept[i] = best;
        }
        Arrays.sort(kept);
        return kept;
    }
}
