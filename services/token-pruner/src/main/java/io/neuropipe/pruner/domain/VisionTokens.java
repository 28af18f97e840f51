package io.neuropipe.pruner.domain;

import java.util.Arrays;

/**
 * Vision tokens of one image (or the kept subset of them).
 *
 * @param tokens       row-major [count, dim] patch features
 * @param count        number of tokens
 * @param dim          feature size per token
 * @param positions    [count] original grid index (row * grid + col) of each token; for a merged token,
 *                     the grid index of the window's destination token
 * @param clsAttention [count] CLS -> patch attention per token, averaged over heads; a merged token carries
 *                     the size-weighted mean over the patches it stands for
 * @param grid         side of the original patch grid
 * @param sizes        [count] number of original patches each token stands for (1 unless merged)
 * @param keys         [count] true for MustDrop key tokens, which later stages must never drop
 */
public record VisionTokens(float[] tokens, int count, int dim, long[] positions, float[] clsAttention, int grid,
                           float[] sizes, boolean[] keys) {

    public VisionTokens {
        if (count < 0 || dim < 1 || tokens.length != (long) count * dim || positions.length != count
                || clsAttention.length != count || sizes.length != count || keys.length != count) {
            throw new IllegalArgumentException("Inconsistent vision tokens: count " + count + ", dim " + dim + ", "
                + tokens.length + " values, " + positions.length + " positions, " + clsAttention.length + " attentions, "
                + sizes.length + " sizes, " + keys.length + " key flags");
        }
    }

    /** Unmerged tokens (size 1 each), none of them a key token. */
    public VisionTokens(float[] tokens, int count, int dim, long[] positions, float[] clsAttention, int grid) {
        this(tokens, count, dim, positions, clsAttention, grid, ones(count), new boolean[count]);
    }

    /** Indices (rows of {@link #tokens}) of the key tokens, ascending. */
    public long[] keyIndices() {
        long[] out = new long[keyCount()];
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (keys[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    public int keyCount() {
        int n = 0;
        for (boolean key : keys) {
            n += key ? 1 : 0;
        }
        return n;
    }

    private static float[] ones(int count) {
        float[] sizes = new float[count];
        Arrays.fill(sizes, 1f);
        return sizes;
    }
}
