package io.neuropipe.pruner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepParams;
import org.junit.jupiter.api.Test;

/**
 * Worked example on a 6x6 grid (four 3x3 windows): window A (rows 0-2, cols 0-2) holds k * [1, 2, 2] for
 * k = 1..9 (all parallel: mean cosine 1), window D (rows 3-5, cols 3-5) nine copies of [-3, 1, 0.5]; windows
 * B and C hold one-hot vectors e_((r + c) mod 3), three of each kind: 9 of 36 pairs have cosine 1, the rest 0,
 * mean 0.25. Attention 0.05 in window A, 0.01 elsewhere except grid positions 4 (0.5), 25 (0.3) and 17 (0.2).
 */
class MustDropPruningTest {

    private static final int G = 6;

    private static float[] vector(int i) {
        int r = i / G;
        int c = i % G;
        if (r < 3 && c < 3) {
            float k = r * 3 + c + 1;
            return new float[] {k, 2 * k, 2 * k};
        }
        if (r >= 3 && c >= 3) {
            return new float[] {-3, 1, 0.5f};
        }
        float[] onehot = new float[3];
        onehot[(r + c) % 3] = 1;
        return onehot;
    }

    private static float[] attention() {
        float[] a = new float[G * G];
        Arrays.fill(a, 0.01f);
        for (int i = 0; i < a.length; i++) {
            if (i / G < 3 && i % G < 3) {
                a[i] = 0.05f;
            }
        }
        a[4] = 0.5f;
        a[25] = 0.3f;
        a[17] = 0.2f;
        return a;
    }

    private final VisionTokens all = TestTokens.grid(G, MustDropPruningTest::vector, attention());

    private PruneResult prune(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new MustDropPruning().prune(all, StepParams.of(m, Map.of()));
    }

    @Test
    void mergesExactlyTheTwoUniformWindowsIntoTheirCentresBySizeWeightedAverage() {
        PruneResult r = prune();
        VisionTokens kept = r.kept();
        assertThat(r.mergedTokens()).isEqualTo(16);
        assertThat(r.settings()).containsEntry("merged_windows", "2").containsEntry("merge_threshold", "0.8000");
        assertThat(kept.positions()).containsExactly(3, 4, 5, 7, 9, 10, 11, 15, 16, 17, 18, 19, 20, 24, 25, 26, 28, 30, 31, 32);
        int a = TestTokens.indexOf(kept, 7); // centre of window A: (1, 1)
        int d = TestTokens.indexOf(kept, 28); // centre of window D: (4, 4)
        assertThat(TestTokens.row(kept, a)).containsExactly(5, 10, 10); // mean of k = 1..9 is 5
        assertThat(TestTokens.row(kept, d)).containsExactly(-3, 1, 0.5f);
        assertThat(kept.sizes()[a]).isEqualTo(9);
        assertThat(kept.sizes()[d]).isEqualTo(9);
        assertThat(kept.clsAttention()[a]).isCloseTo(0.05f, within(1e-7f)); // mean of its nine patches
        assertThat(kept.clsAttention()[d]).isCloseTo(0.01f, within(1e-7f));
        for (int k = 0; k < kept.count(); k++) {
            if (k != a && k != d) {
                assertThat(kept.sizes()[k]).isEqualTo(1);
                assertThat(TestTokens.row(kept, k)).containsExactly(vector((int) kept.positions()[k]));
                assertThat(kept.clsAttention()[k]).isEqualTo(attention()[(int) kept.positions()[k]]);
            }
        }
    }

    @Test
    void theThresholdIsInclusive() {
        assertThat(prune("merge_threshold", "0.3").mergedTokens()).isEqualTo(16);
        PruneResult all4 = prune("merge_threshold", "0.25"); // B and C have mean cosine exactly 0.25
        assertThat(all4.kept().positions()).containsExactly(7, 10, 25, 28);
        assertThat(all4.kept().sizes()).containsExactly(9, 9, 9, 9);
        assertThat(prune("merge_threshold", "1").mergedTokens()).isEqualTo(16); // A and D are exactly parallel
    }

    @Test
    void keySetIsTheTopEightPercentByAttentionAndIsNeverDropped() {
        VisionTokens kept = prune().kept();
        // ceil(0.08 * 36) = 3: positions 4, 17, 25 -> indices 1, 9, 14 of the kept list
        assertThat(kept.keyIndices()).containsExactly(1, 9, 14);
        assertThat(Arrays.stream(kept.keyIndices()).map(i -> kept.positions()[(int) i])).containsExactly(4L, 17L, 25L);
        // ratio asks for ceil(0.03 * 36) = 2 tokens: the 3 keys stay anyway
        VisionTokens tight = prune("ratio", "0.03").kept();
        assertThat(tight.positions()).containsExactly(4, 17, 25);
        assertThat(tight.keyIndices()).containsExactly(0, 1, 2);
        // ceil(0.1 * 36) = 4: keys + the most attended other token, merged A (0.05)
        VisionTokens four = prune("ratio", "0.1").kept();
        assertThat(four.positions()).containsExactly(4, 7, 17, 25);
        assertThat(four.sizes()).containsExactly(1, 9, 1, 1);
        assertThat(four.keyIndices()).containsExactly(0, 2, 3);
        assertThat(prune("key_ratio", "0").kept().keyCount()).isZero();
        assertThat(prune("key_ratio", "0.2").kept().keyCount()).isEqualTo(8); // ceil(7.2)
    }

    @Test
    void sizesAlreadyThereWeighTheAverage() {
        // 3x3 grid, one window: token i = (i + 1) * [1, 0], token 0 already stands for 2 patches
        float[] attention = {0.5f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f};
        VisionTokens base = TestTokens.grid(3, i -> new float[] {i + 1, 0}, attention);
        float[] sizes = {2, 1, 1, 1, 1, 1, 1, 1, 1};
        VisionTokens sized = new VisionTokens(base.tokens(), 9, 2, base.positions(), base.clsAttention(), 3, sizes, new boolean[9]);
        WindowMerge.Merged m = WindowMerge.merge(sized, 3, 0.8);
        assertThat(m.tokens().positions()).containsExactly(4);
        assertThat(m.tokens().sizes()).containsExactly(10);
        assertThat(m.tokens().tokens()).containsExactly(4.6f, 0); // (2 * 1 + 2 + 3 + ... + 9) / 10
        assertThat(m.tokens().clsAttention()[0]).isCloseTo(0.3f, within(1e-7f)); // (2 * 0.5 + 8 * 0.25) / 10
    }

    @Test
    void partialWindowsAtTheEdgesMergeOverWhatTheyHave() {
        // 4x4 grid of identical tokens: windows 3x3 (centre 5), 3x1 (rows 0-2, col 3: centre 7),
        // 1x3 (row 3, cols 0-2: centre 13) and 1x1 (15, nothing to merge)
        WindowMerge.Merged m = WindowMerge.merge(TestTokens.grid(4, i -> new float[] {1, 1}, new float[16]), 3, 0.8);
        assertThat(m.tokens().positions()).containsExactly(5, 7, 13, 15);
        assertThat(m.tokens().sizes()).containsExactly(9, 3, 3, 1);
        assertThat(m.mergedWindows()).isEqualTo(3);
        assertThat(m.mergedTokens()).isEqualTo(12);
    }

    @Test
    void badParametersAreRejectedByName() {
        for (String[] bad : new String[][] {{"merge_threshold", "NaN"}, {"merge_threshold", "1.5"}, {"merge_threshold", "high"},
                {"key_ratio", "-0.1"}, {"key_ratio", "NaN"}, {"key_ratio", "2"}, {"ratio", "0"}, {"ratio", "1.1"}}) {
            assertThatThrownBy(() -> prune(bad)).as(String.join("=", bad)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(bad[0]);
        }
    }
}
