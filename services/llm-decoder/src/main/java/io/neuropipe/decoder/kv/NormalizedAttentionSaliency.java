package io.neuropipe.decoder.kv;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * ZipCache's token saliency: the normalized attention score. Plain accumulated attention favours early tokens (every later
 * query can see them); dividing each column sum by the number of queries that can see the token removes that bias. Only a
 * sample of probe queries is used (the most recent ones plus random ones), as the paper does to stay compatible with fast
 * attention kernels.
 */
public final class NormalizedAttentionSaliency {

    private NormalizedAttentionSaliency() {
    }

    /** Probe query positions, ascending: the last ceil(recent * length) plus ceil(random * length) others drawn with {@code seed}. */
    public static int[] probeQueries(int length, double recent, double random, long seed) {
        boolean[] chosen = new boolean[length];
        int last = Math.min(length, (int) Math.ceil(recent * length));
        for (int i = length - last; i < length; i++) {
            chosen[i] = true;
        }
        int others = Math.min(length - last, (int) Math.ceil(random * length));
        SplittableRandom rng = new SplittableRandom(seed);
        for (int picked = 0; picked < others; ) {
            int i = rng.nextInt(length - last);
            if (!chosen[i]) {
                chosen[i] = true;
                picked++;
            }
        }
        return java.util.stream.IntStream.range(0, length).filter(i -> chosen[i]).toArray();
    }

    /**
     * score_j = sum over probe queries i >= j of A[i, j], divided by the number of those queries.
     *
     * @param attention row-major [length, length] causal attention probabilities (query x key)
     */
    public static float[] scores(float[] attention, int length, int[] probes) {
        float[] score = new float[length];
        int[] seen = new int[length];
        for (int i : probes) {
            for (int j = 0; j <= i; j++) {
                score[j] += attention[i * length + j];
                seen[j]++;
            }
        }
        for (int j = 0; j < length; j++) {
            score[j] = seen[j] == 0 ? 0f : score[j] / seen[j];
        }
        return score;
    }

    /** False for the floor(lowFraction * n) lowest scores (ties: the later token counts as lower), true for the rest. */
    public static boolean[] salient(float[] scores, double lowFraction) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[a], scores[b]) : Integer.compare(b, a));
        boolean[] salient = new boolean[n];
        Arrays.fill(salient, true);
        int low = (int) Math.floor(lowFraction * n);
        for (int k = 0; k < low; k++) {
            salient[order[k]] = false;
        }
        return salient;
    }
}
