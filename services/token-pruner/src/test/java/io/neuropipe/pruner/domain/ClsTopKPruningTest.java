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

    @Test
    void keepsTheMostAttendedTokensInGridOrder() {
        VisionTokens kept = new ClsTopKPruning().prune(tokens, StepParams.of(Map.of("ratio", "0.5"), Map.of()));
        assertThat(kept.count()).isEqualTo(2);
        assertThat(kept.positions()).containsExactly(1, 3);
        assertThat(kept.tokens()).containsExactly(1, 11, 3, 13);
        assertThat(kept.clsAttention()).containsExactly(0.3f, 0.4f);
    }

    @Test
    void ratioOneKeepsEverythingAndRatioOutOfRangeIsRejected() {
        assertThat(new ClsTopKPruning().prune(tokens, StepParams.of(Map.of("ratio", "1"), Map.of())).count()).isEqualTo(4);
        assertThatThrownBy(() -> new ClsTopKPruning().prune(tokens, StepParams.of(Map.of("ratio", "0"), Map.of())))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("ratio");
        assertThatThrownBy(() -> new ClsTopKPruning().prune(tokens, StepParams.of(Map.of("ratio", "1.5"), Map.of())))
            .isInstanceOf(InvalidInputException.class);
    }
}
