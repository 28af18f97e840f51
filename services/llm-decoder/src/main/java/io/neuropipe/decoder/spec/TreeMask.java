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
        float[] mask = new float[s * (past + s)];
        tree(tree, past, mask);
        return mask;
    }

    /** As {@link #tree(DraftTree, int)}, written into the first S * (P + S) entries of a reused array. */
    public static void tree(DraftTree tree, int past, float[] mask) {
        tree(tree, past, past, mask);
    }

    /**
     * For a past of {@code slots} cached positions of which only the first {@code filled} hold entries (the rest are
     * hidden): [S, slots + S] into the first entries of a reused array.
     */
    public static void tree(DraftTree tree, int filled, int slots, float[] mask) {
        int s = tree.size();
        int width = slots + s;
        for (int q = 0; q < s; q++) {
            int row = q * width;
            Arrays.fill(mask, row, row + filled, 0f);
            Arrays.fill(mask, row + filled, row + width, MASKED);
            for (int n = q; n >= 0; n = tree.parents()[n]) {
                mask[row + slots + n] = 0f;
            }
        }
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
