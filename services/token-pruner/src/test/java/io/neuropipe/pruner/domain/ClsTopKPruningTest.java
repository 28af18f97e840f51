package io.neuropipe.pruner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepParams;
import org.junit.jupiter.api.Test;

class ClsTopKPruningTest {

    // 4 tokens of dim 2: token i = [i, 10 + i]; attention favours tokens 3 and 1
    private final VisionTokens tokens = new VisionTokens(new float[] {0, 10, 1, 11, 2, 12, 3, 13}, 4, 2,
        new long[] {0, 1, 2, 3}, new float[] {0.1f, 0.3f, 0.2f, 0.4f}, 2);

    private static StepParams params(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return StepParams.of(m, Map.of());
    }

    @Test
    void keepsTheMostAttendedTokensInGridOrder() {
        VisionTokens kept = new ClsTopKPruning().prune(tokens, params("ratio", "0.5")).kept();
        assertThat(kept.count()).isEqualTo(2);
        assertThat(kept.positions()).containsExactly(1, 3);
        assertThat(kept.tokens()).containsExactly(1, 11, 3, 13);
        assertThat(kept.clsAttention()).containsExactly(0.3f, 0.4f);
        assertThat(kept.sizes()).containsExactly(1f, 1f);
        assertThat(kept.keyCount()).isZero();
    }

    @Test
    void ratioOneKeepsEverythingAndRatioOutOfRangeIsRejected() {
        assertThat(new ClsTopKPruning().prune(tokens, params("ratio", "1")).kept().count()).isEqualTo(4);
        for (String bad : new String[] {"0", "1.5", "-0.25", "NaN", "Infinity", "half"}) {
            assertThatThrownBy(() -> new ClsTopKPruning().prune(tokens, params("ratio", bad)))
                .as(bad).isInstanceOf(InvalidInputException.class).hasMessageContaining("ratio");
        }
    }
}
