package io.neuropipe.pruner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PrefillFlopsTest {

    @Test
    void matchesTheFormulaWorkedByHand() {
        // per layer F(S) = 2 S (4 * 128^2 + 3 * 128 * 384) + 2 S^2 128 = 425984 S + 256 S^2
        // S = 256 + 8 = 264: 112459776 + 17842176 = 130301952
        assertThat(PrefillFlops.prefill(256)).isEqualTo(4 * 130_301_952.0);
        // S = 64 + 8 = 72: 30670848 + 1327104 = 31997952; 1 - 31997952 / 130301952 = 0.754432...
        assertThat(PrefillFlops.savedRatio(64, 256)).isCloseTo(0.7544323, within(1e-6));
        assertThat(PrefillFlops.savedRatio(256, 256)).isZero();
    }
}
