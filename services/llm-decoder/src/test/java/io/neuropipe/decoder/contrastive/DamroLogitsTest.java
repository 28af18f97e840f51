package io.neuropipe.decoder.contrastive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DamroLogitsTest {

    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    @Test
    void contrastsAndCutsImplausibleTokens() {
        float[] full = {2.0f, 1.0f, -1.0f, 0.0f};
        float[] outliers = {1.0f, 2.0f, -3.0f, 0.5f};
        float[] out = new float[4];
        // beta 0.1: cut = 2 + ln 0.1 = -0.3026 -> token 2 (full -1.0) is cut; a = 1: 2 * full - outliers
        DamroLogits.combine(full, outliers, 1.0, 0.1, out);
        assertThat(out[0]).isCloseTo(3.0f, within(1e-6f));
        assertThat(out[1]).isCloseTo(0.0f, within(1e-6f));
        assertThat(out[2]).isEqualTo(NEG_INF);
        assertThat(out[3]).isCloseTo(-0.5f, within(1e-6f));
        // a = 0.5: 1.5 * full - 0.5 * outliers
        DamroLogits.combine(full, outliers, 0.5, 0.1, out);
        assertThat(out).containsExactly(new float[] {2.5f, 0.5f, NEG_INF, -0.25f}, within(1e-6f));
    }

    @Test
    void betaOneKeepsOnlyTheFullModelsTopToken() {
        float[] out = new float[4];
        DamroLogits.combine(new float[] {2.0f, 1.0f, -1.0f, 0.0f}, new float[] {5f, -5f, 0f, 0f}, 2.0, 1.0, out);
        // cut = max: only token 0 survives, at 3 * 2 - 2 * 5 = -4 (still the argmax)
        assertThat(out).containsExactly(new float[] {-4.0f, NEG_INF, NEG_INF, NEG_INF}, within(1e-6f));
    }

    @Test
    void theContrastCanChangeTheChoiceAmongPlausibleTokens() {
        // full prefers 0 (2.0 vs 1.9); the outlier-only branch likes 0 even more -> a = 1 gives (1.0, 3.8)
        float[] out = new float[2];
        DamroLogits.combine(new float[] {2.0f, 1.9f}, new float[] {3.0f, 0.0f}, 1.0, 0.5, out);
        assertThat(out).containsExactly(new float[] {1.0f, 3.8f}, within(1e-6f));
    }
}
