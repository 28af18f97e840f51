package io.neuropipe.decoder.prefix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FastVSelectionTest {

    /** 4 vision tokens + 2 prompt tokens; only the last row (the last prompt token's attention) matters. */
    private static float[] attention(float... lastRow) {
        int length = 6;
        float[] a = new float[length * length];
        for (int i = 0; i < length; i++) {
            a[i * length] = 1f; // earlier rows point elsewhere, so reading the wrong row would show
        }
        System.arraycopy(lastRow, 0, a, (length - 1) * length, lastRow.length);
        return a;
    }

    @Test
    void keepsTheMostAttendedShareInGridOrder() {
        float[] a = attention(0.05f, 0.40f, 0.10f, 0.30f, 0.10f, 0.05f);
        // R = 0.5: round(0.5 * 4) = 2 tokens, the two largest of (0.05, 0.40, 0.10, 0.30) -> 1 and 3
        assertThat(FastVSelection.keep(a, 6, 4, 0.5)).containsExactly(1, 3);
        // R = 0.25: round(0.75 * 4) = 3 -> 1, 3 and 2 (0.10 beats 0.05), returned ascending
        assertThat(FastVSelection.keep(a, 6, 4, 0.25)).containsExactly(1, 2, 3);
        assertThat(FastVSelection.keep(a, 6, 4, 0.0)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void keepsAtLeastOneAndBreaksTiesToTheLowerIndex() {
        float[] a = attention(0.1f, 0.3f, 0.3f, 0.1f, 0.1f, 0.1f);
        // R = 0.75: round(0.25 * 4) = 1; tokens 1 and 2 tie at 0.3 -> 1
        assertThat(FastVSelection.keep(a, 6, 4, 0.75)).containsExactly(1);
        // R = 0.95: round(0.2) = 0 -> still one token
        assertThat(FastVSelection.keep(a, 6, 4, 0.95)).containsExactly(1);
    }

    @Test
    void anEmptyPrefixStaysEmpty() {
        assertThat(FastVSelection.keep(new float[4], 2, 0, 0.5)).isEmpty();
    }
}
