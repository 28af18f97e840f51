package io.neuropipe.pruner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepParams;
import org.junit.jupiter.api.Test;

class ZipVlPruningTest {

    // attention in eighths: [1, 4, 2, 2, 1] / 8, total 10/8; sorted (ties by index): 1, 2, 3, 0, 4
    private final VisionTokens tokens = TestTokens.line(0.125f, 0.5f, 0.25f, 0.25f, 0.125f);

    private VisionTokens prune(VisionTokens all, String tau) {
        return new ZipVlPruning().prune(all, StepParams.of(Map.of("tau", tau), Map.of())).kept();
    }

    @Test
    void keepsTheSmallestPrefixReachingTauOfTheMass() {
        // tau 0.3 -> 3/8 needed: token 1 alone has 4/8
        assertThat(prune(tokens, "0.3").positions()).containsExactly(1);
        // tau 0.5 -> 5/8 needed: 4/8 < 5/8, + token 2 (tie with 3, lower index first) = 6/8
        assertThat(prune(tokens, "0.5").positions()).containsExactly(1, 2);
        // tau 0.7 -> 7/8 needed: 6/8, then token 3 -> 8/8
        assertThat(prune(tokens, "0.7").positions()).containsExactly(1, 2, 3);
        // tau 0.85 -> 8.5/8: + token 0 (tie with 4, lower index) = 9/8
        assertThat(prune(tokens, "0.85").positions()).containsExactly(0, 1, 2, 3);
        assertThat(prune(tokens, "1").count()).isEqualTo(5);
    }

    @Test
    void reachingTauExactlyIsEnough() {
        // [2, 4, 2] / 8: half the mass is token 1 exactly
        assertThat(prune(TestTokens.line(0.25f, 0.5f, 0.25f), "0.5").positions()).containsExactly(1);
    }

    @Test
    void theKeptShareAdaptsToTheImage() {
        float[] peaked = new float[16];
        float[] flat = new float[16];
        java.util.Arrays.fill(peaked, 0.01f);
        peaked[3] = 0.85f;
        java.util.Arrays.fill(flat, 1f / 16);
        assertThat(prune(TestTokens.line(peaked), "0.895").count()).isEqualTo(6); // 0.85 + 5 * 0.01 >= 0.895 * 1.0
        assertThat(prune(TestTokens.line(flat), "0.9").count()).isEqualTo(15); // 15 / 16 >= 0.9 > 14 / 16
    }

    @Test
    void defaultsToTauPointNineAndRejectsBadTau() {
        assertThat(new ZipVlPruning().prune(tokens, StepParams.of(Map.of(), Map.of())).settings()).containsEntry("tau", "0.9000");
        for (String bad : new String[] {"0", "NaN", "1.01", "-1"}) {
            assertThatThrownBy(() -> prune(tokens, bad)).as(bad).isInstanceOf(InvalidInputException.class).hasMessageContaining("tau");
        }
    }
}
