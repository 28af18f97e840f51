package io.neuropipe.encoder.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neuropipe.encoder.io.NpyReader;
import io.neuropipe.encoder.io.TestFiles;
import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;

class FmriPreprocessingTest {

    @Test
    void adaptiveMaxPoolDownsamples() {
        // V = 5, P = 2: bin 0 = [0, 3), bin 1 = [2, 5)
        assertThat(AdaptiveMaxPool.pool(new float[] {1, 5, 2, 0, 3}, 2)).containsExactly(5, 3);
        // V = 6, P = 3: [0,2) [2,4) [4,6)
        assertThat(AdaptiveMaxPool.pool(new float[] {1, 2, 9, 3, -1, -2}, 3)).containsExactly(2, 9, -1);
    }

    @Test
    void adaptiveMaxPoolUpsamplesWhenVIsSmallerThanP() {
        // V = 2, P = 5: bins [0,1) [0,1) [0,2) [1,2) [1,2)
        assertThat(AdaptiveMaxPool.pool(new float[] {4, 7}, 5)).containsExactly(4, 4, 7, 7, 7);
        assertThat(AdaptiveMaxPool.pool(new float[] {-3}, 3)).containsExactly(-3, -3, -3);
    }

    @Test
    void adaptiveMaxPoolIdentityAndNsdSizes() {
        float[] x = {3, 1, 2};
        assertThat(AdaptiveMaxPool.pool(x, 3)).containsExactly(3, 1, 2);
        float[] v = new float[15724];
        v[15723] = 1;
        float[] p = new AdaptiveMaxPool(8192).apply(v);
        assertThat(p).hasSize(8192);
        assertThat(p[8191]).isEqualTo(1);
        assertThat(p[8190]).isEqualTo(0);
    }

    @Test
    void perVoxelNormalisationAndChecks() {
        VoxelNormalization z = VoxelNormalization.zScore(new float[] {1, 2}, new float[] {2, 4});
        assertThat(z.apply(new float[] {3, 2})).containsExactly(1, 0);
        assertThat(VoxelNormalization.acrossVoxels().apply(new float[] {1, 3})).containsExactly(-1, 1);
        FmriPreprocessing p = new FmriPreprocessing(3, VoxelNormalization.none(), 2);
        assertThat(p.apply(new float[] {1, 5, 2})).containsExactly(5, 5);
        assertThatThrownBy(() -> p.apply(new float[] {1, 2})).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("2 voxels but the subject has 3");
        assertThatThrownBy(() -> p.apply(new float[] {1, Float.NaN, 2})).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("NaN");
    }

    /** Same bins as the zoo's {@code neuroshapes.adaptive_max_pool} (the Python used in training). */
    @Test
    void poolsTheZooBetasLikeThePythonReference() {
        float[] row = new NpyReader().read(TestFiles.sample("fmri_subj01_betas.npy")).slice(0);
        assertThat(row).hasSize(2642);
        float[] up = AdaptiveMaxPool.pool(row, 8192);
        assertThat(up[0]).isEqualTo(-0.26340967416763306f);
        assertThat(up[2]).isEqualTo(-0.26340967416763306f);
        assertThat(up[4095]).isEqualTo(-0.2748928964138031f);
        assertThat(up[8191]).isEqualTo(0.3883207142353058f);
        assertThat(sum(up)).isCloseTo(3382.626165043197, org.assertj.core.api.Assertions.within(1e-3));
        float[] down = AdaptiveMaxPool.pool(row, 1000);
        assertThat(down[500]).isEqualTo(1.9864927530288696f);
        assertThat(down[999]).isEqualTo(0.7851648330688477f);
        assertThat(sum(down)).isCloseTo(1181.0021563540213, org.assertj.core.api.Assertions.within(1e-3));
    }

    private static double sum(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return s;
    }
}
