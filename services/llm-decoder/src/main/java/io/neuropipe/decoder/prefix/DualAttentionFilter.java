package io.neuropipe.decoder.prefix;

import java.util.Arrays;

/**
 * MustDrop's text-guided stage: with A = text-query x vision-key attention (head-averaged), the global score
 * g_j = sum over text queries of A[., j] and the individual score m_j = max over text queries. Vision token j is
 * dropped only if {@code g_j < globalThreshold * sum(g)} AND {@code m_j < individualThreshold}; key tokens are
 * never dropped.
 */
public final class DualAttentionFilter {

    private DualAttentionFilter() {
    }

    /**
     * @param attention  row-major [length, length] attention weights (query x key)
     * @param length     sequence length
     * @param vision     the vision tokens are columns {@code 0 .. vision - 1}
     * @param textFrom   first text query row (the text queries are rows {@code textFrom .. length - 1})
     * @param keys       per vision token: part of the key set (never dropped)
     * @return ascending indices of the kept vision tokens
     */
    public static int[] keep(float[] attention, int length, int vision, int textFrom, boolean[] keys,
                             double globalThreshold, double individualThreshold) {
        double[] global = new double[vision];
        float[] individual = new float[vision];
        double total = 0;
        for (int t = textFrom; t < length; t++) {
            int row = t * length;
            for (int j = 0; j < vision; j++) {
                float a = attention[row + j];
                global[j] += a;
                individual[j] = Math.max(individual[j], a);
            }
        }
        for (double g : global) {
            total += g;
        }
        int[] kept = new int[vision];
        int n = 0;
        for (int j = 0; j < vision; j++) {
            boolean drop = global[j] < globalThreshold * total && individual[j] < individualThreshold;
            if (keys[j] || !drop) {
                kept[n++] = j;
            }
        }
        return Arrays.copyOf(kept, n);
    }
}
