package io.neuropipe.decoder.prefix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProbedPrefixStageTest {

    @Test
    void prefillsTheKeptVisionRowsAtTheirOriginalPositionsFollowedByThePrompt() {
        int hidden = 2;
        // 3 vision rows at grid positions 5, 9, 12, then 2 prompt rows at 256, 257; row r's embedding is (r, -r)
        float[] embeds = {0, 0, 1, -1, 2, -2, 3, -3, 4, -4};
        long[] positions = {5, 9, 12, 256, 257};
        PrefillInput full = new PrefillInput(embeds, positions, 5, 3);
        float[] attention = new float[25];
        attention[20] = 0.5f; // last row: vision 0 -> 0.5, 1 -> 0.1, 2 -> 0.3
        attention[21] = 0.1f;
        attention[22] = 0.3f;
        ProbedPrefixStage stage = new ProbedPrefixStage(input -> {
            assertThat(input).isSameAs(full);
            return attention;
        }, PrefixSelection.fastV(1.0 / 3), hidden);

        PrefillInput kept = stage.apply(full);

        assertThat(kept.length()).isEqualTo(4);
        assertThat(kept.prefixLength()).isEqualTo(2);
        assertThat(kept.positions()).containsExactly(5, 12, 256, 257);
        assertThat(kept.embeds()).containsExactly(0, 0, 2, -2, 3, -3, 4, -4);
        assertThat(stage.keptTokens()).isEqualTo(2);
        assertThat(stage.probeMicros()).isGreaterThanOrEqualTo(0);
    }
}
