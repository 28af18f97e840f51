package io.neuropipe.decoder.prefix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DualAttentionFilterTest {

    /**
     * 4 vision tokens, then rows 4 (<s>) and 5, 6 (text). Text rows over the vision columns:
     * row 5 = (0.40, 0.02, 0.05, 0.005), row 6 = (0.30, 0.01, 0.30, 0.004)
     * -> g = (0.70, 0.03, 0.35, 0.009), sum(g) = 1.089; m = (0.40, 0.02, 0.30, 0.005).
     * Row 4 (<s>) puts 0.9 on token 3, which the MustDrop selection must ignore (it is not a question token).
     */
    private static final int LENGTH = 7;

    private static float[] attention() {
        float[] a = new float[LENGTH * LENGTH];
        a[4 * LENGTH + 3] = 0.9f;
        float[][] text = {{0.40f, 0.02f, 0.05f, 0.005f}, {0.30f, 0.01f, 0.30f, 0.004f}};
        for (int t = 0; t < 2; t++) {
            System.arraycopy(text[t], 0, a, (5 + t) * LENGTH, 4);
        }
        return a;
    }

    @Test
    void dropsOnlyTokensUnderBothThresholds() {
        // global cut 0.05 * 1.089 = 0.05445: tokens 1 (0.03) and 3 (0.009) are under it;
        // individual 0.015: token 1's max 0.02 saves it, token 3's 0.005 does not -> drop 3
        assertThat(DualAttentionFilter.keep(attention(), LENGTH, 4, 5, new boolean[4], 0.05, 0.015)).containsExactly(0, 1, 2);
        // individual 0.03: token 1 (0.02) is under both as well -> drop 1 and 3
        assertThat(DualAttentionFilter.keep(attention(), LENGTH, 4, 5, new boolean[4], 0.05, 0.03)).containsExactly(0, 2);
        // global cut 0.01 * 1.089 = 0.01089: only token 3 is under it; individual 1.0 -> drop 3 only
        assertThat(DualAttentionFilter.keep(attention(), LENGTH, 4, 5, new boolean[4], 0.01, 1.0)).containsExactly(0, 1, 2);
    }

    @Test
    void neverDropsAKeyToken() {
        boolean[] keys = {false, true, false, true};
        assertThat(DualAttentionFilter.keep(attention(), LENGTH, 4, 5, keys, 0.05, 0.03)).containsExactly(0, 1, 2, 3);
        assertThat(DualAttentionFilter.keep(attention(), LENGTH, 4, 5, keys, 1.0, 1.0)).containsExactly(1, 3);
    }

    @Test
    void theMustDropSelectionUsesThePromptTokensAfterBos() {
        // with <s> (row 4) counted, token 3 would get g = 0.909 and survive; without it, it is dropped
        assertThat(PrefixSelection.mustDrop(new boolean[4], 0.05, 0.015).keep(attention(), LENGTH, 4)).containsExactly(0, 1, 2);
    }
}
