package io.neuropipe.pruner.domain;

import java.util.stream.IntStream;

/**
 * MustDrop's spatial merge: the full patch grid is tiled into {@code w x w} windows, left to right and top to
 * bottom from the top-left corner. A window whose tokens' mean pairwise cosine similarity (unordered pairs,
 * no self pairs) is at least the threshold is merged into its destination token by size-weighted average
 * (ToMe's {@code merge_wavg}: {@code x_dst = sum(s_i x_i) / sum(s_i)}, {@code s_dst = sum(s_i)}); the other
 * tokens of the window disappear. A merged token keeps the destination's grid position, its CLS attention
 * becomes the size-weighted mean of its members' (what a ViT without proportional attention gives a token whose
 * key is the members' average; a sum would let every merged background window outrank the object's tokens
 * and fill MustDrop's key set with background) and it is a key token if any member was.
 *
 * <p>Destination: the window's centre token, {@code (r0 + (rows - 1) / 2, c0 + (cols - 1) / 2)}.
 * Edges: when the grid side is not a multiple of {@code w} (16 = 5 * 3 + 1), the last row and column of
 * windows are partial (3x1, 1x3 and 1x1 on the 16x16 grid). A partial window follows the same rule over the
 * tokens it has (its destination is its own centre, rounded up-left); a 1x1 window has no pairs and never
 * merges. A zero vector has cosine 0 with everything.
 */
public final class WindowMerge {

    /** Window side used by MustDrop. */
    public static final int WINDOW = 3;

    /**
     * @param tokens        the tokens after merging, in grid order
     * @param mergedWindows windows that were merged
     * @param mergedTokens  tokens merged away (the non-destination members of merged windows)
     */
    public record Merged(VisionTokens tokens, int mergedWindows, int mergedTokens) {
    }

    private WindowMerge() {
    }

    /** Merges the windows of a full grid (token i at grid position i). */
    public static Merged merge(VisionTokens all, int window, double threshold) {
        int g = all.grid();
        int n = all.count();
        int dim = all.dim();
        if (n != g * g) {
            throw new IllegalArgumentException("Window merge needs the full " + g + "x" + g + " grid but got " + n + " tokens");
        }
        for (int i = 0; i < n; i++) {
            if (all.positions()[i] != i) {
                throw new IllegalArgumentException("Window merge needs tokens in grid order; token " + i + " is at " + all.positions()[i]);
            }
        }
        float[] tokens = all.tokens().clone();
        float[] sizes = all.sizes().clone();
        float[] attention = all.clsAttention().clone();
        boolean[] keys = all.keys().clone();
        boolean[] gone = new boolean[n];
        int windows = 0;
        int mergedTokens = 0;
        for (int r0 = 0; r0 < g; r0 += window) {
            for (int c0 = 0; c0 < g; c0 += window) {
                int rows = Math.min(window, g - r0);
                int cols = Math.min(window, g - c0);
                int[] members = new int[rows * cols];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        members[r * cols + c] = (r0 + r) * g + c0 + c;
                    }
                }
                if (members.length < 2 || meanPairwiseCosine(all.tokens(), dim, members) < threshold) {
                    continue;
                }
                int dst = (r0 + (rows - 1) / 2) * g + c0 + (cols - 1) / 2;
                double[] sum = new double[dim];
                double size = 0;
                double att = 0;
                boolean key = false;
                for (int m : members) {
                    double s = all.sizes()[m];
                    for (int d = 0; d < dim; d++) {
                        sum[d] += s * all.tokens()[m * dim + d];
                    }
                    size += s;
                    att += s * all.clsAttention()[m];
                    key |= all.keys()[m];
                    gone[m] = m != dst;
                }
                for (int d = 0; d < dim; d++) {
                    tokens[dst * dim + d] = (float) (sum[d] / size);
                }
                sizes[dst] = (float) size;
                attention[dst] = (float) (att / size);
                keys[dst] = key;
                windows++;
                mergedTokens += members.length - 1;
            }
        }
        int[] kept = IntStream.range(0, n).filter(i -> !gone[i]).toArray();
        VisionTokens updated = new VisionTokens(tokens, n, dim, all.positions(), attention, g, sizes, keys);
        return new Merged(TokenSelection.keep(updated, kept), windows, mergedTokens);
    }

    /** Mean cosine similarity over the unordered pairs of {@code members}. */
    static double meanPairwiseCosine(float[] tokens, int dim, int[] members) {
        double[] norms = new double[members.length];
        for (int a = 0; a < members.length; a++) {
            norms[a] = Math.sqrt(dot(tokens, dim, members[a], members[a]));
        }
        double total = 0;
        int pairs = 0;
        for (int a = 0; a < members.length; a++) {
            for (int b = a + 1; b < members.length; b++) {
                double denominator = norms[a] * norms[b];
                total += denominator > 0 ? dot(tokens, dim, members[a], members[b]) / denominator : 0;
                pairs++;
            }
        }
        return total / pairs;
    }

    private static double dot(float[] tokens, int dim, int i, int j) {
        double s = 0;
        for (int d = 0; d < dim; d++) {
            s += (double) tokens[i * dim + d] * tokens[j * dim + d];
        }
        return s;
    }
}
