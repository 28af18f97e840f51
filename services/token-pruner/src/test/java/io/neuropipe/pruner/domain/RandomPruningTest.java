package io.neuropipe.pruner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;

import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepParams;
import org.junit.jupiter.api.Test;

class RandomPruningTest {

    private final VisionTokens all = TestTokens.grid(16, i -> new float[] {i, -i}, attention());

    private static float[] attention() {
        float[] a = new float[256];
        Arrays.fill(a, 0.001f);
        a[5] = 0.9f; // attention must not matter to the baseline
        return a;
    }

    private PruneResult prune(String ratio, String seed) {
        return new RandomPruning().prune(all, StepParams.of(Map.of("ratio", ratio, "seed", seed), Map.of()));
    }

    @Test
    void keepsTheAskedCountOfDistinctTokensInGridOrderWithTheirFeatures() {
        for (String ratio : new String[] {"1", "0.5", "0.25", "0.125", "0.1"}) {
            VisionTokens kept = prune(ratio, "7").kept();
            assertThat(kept.count()).as(ratio).isEqualTo((int) Math.ceil(Double.parseDouble(ratio) * 256 - 1e-9));
            assertThat(kept.positions()).isSorted().doesNotHaveDuplicates();
            for (int k = 0; k < kept.count(); k++) {
                assertThat(TestTokens.row(kept, k)).containsExactly(kept.positions()[k], -kept.positions()[k]);
            }
        }
    }

    @Test
    void theSeedDecidesTheSelection() {
        long[] a = prune("0.25", "42").kept().positions();
        assertThat(prune("0.25", "42").kept().positions()).containsExactly(a);
        assertThat(prune("0.25", "43").kept().positions()).isNotEqualTo(a);
        assertThat(prune("0.25", "42").settings()).containsEntry("seed", "42").containsEntry("ratio", "0.2500");
        // not simply the most attended: over many seeds token 5 is kept about a quarter of the time
        int withFive = 0;
        for (int seed = 0; seed < 200; seed++) {
            withFive += Arrays.stream(prune("0.25", Integer.toString(seed)).kept().positions()).anyMatch(p -> p == 5) ? 1 : 0;
        }
        assertThat(withFive).isBetween(25, 75);
    }

    @Test
    void badParametersAreRejectedByName() {
        assertThatThrownBy(() -> prune("0.5", "x1")).isInstanceOf(InvalidInputException.class).hasMessageContaining("seed");
        assertThatThrownBy(() -> prune("0", "1")).isInstanceOf(InvalidInputException.class).hasMessageContaining("ratio");
    }
}
