package io.neuropipe.decoder.spec;

import java.util.Arrays;

/**
 * Additive attention masks for the tree-attention graph, laid out [S, P + S] (batch and head dimensions of 1):
 * 0 where a query may attend, {@link #MASKED} elsewhere.
 */
public final class TreeMask {

    /** The zoo graphs' masked value (model.yaml {@code attention_mask_value}); exp() of it underflows to 0. */
    public static final float MASKED = -1e9f;

    private TreeMask() {
    }

    /** Each node sees the whole past, its ancestors and itself. */
    public static float[] tree(DraftTree tree, int past) {
        int s = tree.size();
        int width = past + s;
        float[] mask = new float[s * width];
        Arrays.fill(mask, MASKED);
        for (int q = 0; q < s; q++) {
            int row = q * width;
            Arrays.fill(mask, row, row + past, 0f);
            for (int n = q; n >= 0; n = tree.parents()[n]) {
                mask[row + past + n] = 0f;
            }
        }
        return mask;
    }

    /** Ordinary causal attention over {@code count} new tokens after {@code past} cached ones. */
    public static float[] causal(int count, int past) {
        int width = past + count;
        float[] mask = new float[count * width];
        Arrays.fill(mask, MASKED);
        for (int q = 0; q < count; q++) {
            Arrays.fill(mask, q * width, q * width + past + q + 1, 0f);
        }
        return mask;
    }
}
