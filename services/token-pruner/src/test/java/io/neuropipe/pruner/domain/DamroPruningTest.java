package io.neuropipe.pruner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepParams;
import org.junit.jupiter.api.Test;

class DamroPruningTest {

    // 9 tokens; attention outliers at 7 (0.5), 2 (0.2), then 4 and 5 tie at 0.1
    private final VisionTokens tokens = TestTokens.line(0.01f, 0.02f, 0.2f, 0.03f, 0.1f, 0.1f, 0.01f, 0.5f, 0.03f);

    private PruneResult prune(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new DamroPruning().prune(tokens, StepParams.of(m, Map.of()));
    }

    @Test
    void marksTheTopKAttentionOutliersAndKeepsEverything() {
        PruneResult r = prune("outliers", "3");
        assertThat(r.outliers()).containsExactly(2, 4, 7); // 7, 2, then 4 wins the tie with 5; grid order
        assertThat(r.kept().count()).isEqualTo(9);
        assertThat(r.kept().keyCount()).isZero();
        assertThat(prune().outliers()).containsExactly(2, 3, 4, 5, 7, 8); // default 6: 7, 2, 4, 5, then 3 and 8 (0.03)
    }

    @Test
    void withARatioKeepsTheMostAttendedButNeverDropsAnOutlier() {
        PruneResult half = prune("outliers", "2", "ratio", "0.5");
        assertThat(half.kept().positions()).containsExactly(2, 3, 4, 5, 7) // ceil(4.5) = 5: 7, 2, 4, 5, 3 (wins the tie with 8)
            .contains(half.outliers());
        PruneResult tiny = prune("outliers", "3", "ratio", "0.1"); // ceil(0.9) = 1 < 3 outliers
        assertThat(tiny.kept().positions()).containsExactly(2, 4, 7);
    }

    @Test
    void outlierCountMustBeBetweenOneAndN() {
        for (String bad : new String[] {"0", "-1", "10", "2.5", "many"}) {
            assertThatThrownBy(() -> prune("outliers", bad)).as(bad).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("outliers");
        }
        assertThat(prune("outliers", "9").outliers()).hasSize(9);
    }
}
