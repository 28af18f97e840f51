package io.neuropipe.encoder.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;

class EegPreprocessingTest {

    private static EegSignal signal(List<String> names, double rate, double t0, float[]... rows) {
        int n = rows[0].length;
        float[] d = new float[rows.length * n];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, d, i * n, n);
        }
        return new EegSignal(names, rate, t0, n, d);
    }

    @Test
    void matchesChannelsByNameIgnoringCaseReorderingAndDroppingExtras() {
        EegSignal in = signal(List.of("cz", "EOG", " FP1 ", "Oz"), 250, 0, new float[] {1, 2}, new float[] {9, 9},
            new float[] {3, 4}, new float[] {5, 6});
        EegSignal out = new ChannelMatcher(List.of("Fp1", "Cz", "Oz")).process(in);
        assertThat(out.channels()).containsExactly("Fp1", "Cz", "Oz");
        assertThat(out.data()).containsExactly(3, 4, 1, 2, 5, 6);
    }

    @Test
    void missingChannelsAreNamed() {
        EegSignal in = signal(List.of("Cz", "Pz"), 250, 0, new float[] {1}, new float[] {2});
        assertThatThrownBy(() -> new ChannelMatcher(List.of("Fp1", "Cz", "O2")).process(in))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("missing 2 of the model's 3 channels: [Fp1, O2]");
        EegSignal twice = signal(List.of("Cz", "CZ"), 250, 0, new float[] {1}, new float[] {2});
        assertThatThrownBy(() -> new ChannelMatcher(List.of("Cz")).process(twice)).hasMessageContaining("more than once: [CZ]");
    }

    @Test
    void baselineSubtractsTheWindowMeanPerChannel() {
        // t0 = -0.2 s at 10 Hz: samples at -0.2, -0.1, 0, 0.1; baseline -0.2..0 = first two samples
        EegSignal in = signal(List.of("a", "b"), 10, -0.2, new float[] {1, 3, 10, 20}, new float[] {-4, -4, 0, 4});
        EegSignal out = new BaselineCorrection(-0.2, 0.0).process(in);
        assertThat(out.channel(0)).containsExactly(-1, 1, 8, 18);
        assertThat(out.channel(1)).containsExactly(0, 0, 4, 8);
        assertThatThrownBy(() -> new BaselineCorrection(-0.5, 0).process(in)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("baseline window -0.5..0.0 s");
    }

    @Test
    void cropKeepsTheModelWindow() {
        EegSignal in = signal(List.of("a"), 10, -0.2, new float[] {1, 2, 3, 4, 5});
        EegSignal out = new Crop(0.0, 0.2).process(in);
        assertThat(out.data()).containsExactly(3, 4);
        assertThat(out.startTime()).isCloseTo(0.0, within(1e-12));
        assertThatThrownBy(() -> new Crop(0.0, 1.0).process(in)).hasMessageContaining("the model needs 0.0..1.0 s");
    }

    @Test
    void normalisesPerChannel() {
        EegSignal in = signal(List.of("a", "b"), 10, 0, new float[] {1, 3}, new float[] {5, 5});
        EegSignal z = ChannelNormalization.zScore().process(in);
        assertThat(z.channel(0)).containsExactly(-1, 1);
        assertThat(z.channel(1)).containsExactly(0, 0);
        EegSignal s = ChannelNormalization.withStats(new double[] {1, 5}, new double[] {2, 0.5}).process(in);
        assertThat(s.data()).containsExactly(0, 1, 0, 0);
        assertThatThrownBy(() -> ChannelNormalization.withStats(new double[] {1}, new double[] {1}).process(in))
            .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void nanAndInfinityAreRejectedWithChannelAndTime() {
        EegSignal in = signal(List.of("a", "Pz"), 10, 0, new float[] {1, 2}, new float[] {3, Float.NaN});
        assertThatThrownBy(() -> new FiniteCheck().process(in)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("channel Pz has NaN at sample 1");
        assertThatThrownBy(() -> FiniteCheck.requireFinite(new float[] {0, Float.POSITIVE_INFINITY}, "voxels"))
            .hasMessageContaining("voxels has Infinity at index 1");
    }

    @Test
    void theModelChainTurnsA500HzEpochWithBaselineIntoTheModelInput() {
        // 3 channels (one extra), 500 Hz, -0.2..1.0 s = 600 samples; model: [Cz, Fp1] at 250 Hz, 0..1.0 s, baseline -0.2..0
        int n = 600;
        float[] cz = new float[n];
        float[] fp1 = new float[n];
        float[] eog = new float[n];
        for (int k = 0; k < n; k++) {
            cz[k] = 7f;              // constant: baseline-corrected to 0
            fp1[k] = k < 100 ? 2f : 5f; // step at onset: 3 after correction
            eog[k] = 1000f;
        }
        EegSignal in = signal(List.of("EOG", "FP1", "CZ"), 500, -0.2, eog, fp1, cz);
        EegPreprocessing p = EegPreprocessing.forModel(EegPreprocessing.Spec.of(List.of("Cz", "Fp1"), 250, 1.0).withBaseline(-0.2, 0));
        EegSignal out = p.process(in);
        assertThat(out.channels()).containsExactly("Cz", "Fp1");
        assertThat(out.samples()).isEqualTo(250);
        assertThat(out.sampleRate()).isEqualTo(250);
        float[] x = p.toModelInput(in);
        assertThat(x).hasSize(500);
        for (int k = 0; k < 240; k++) { // the last samples see the zero padding at the recording's end
            assertThat(x[k]).as("Cz %d", k).isCloseTo(0f, within(1e-4f));
        }
        for (int k = 20; k < 240; k++) { // away from the step's filter ringing
            assertThat(x[250 + k]).as("Fp1 %d", k).isCloseTo(3f, within(0.01f));
        }
    }

    @Test
    void theChainChecksTheFinalShape() {
        EegSignal shortInput = signal(List.of("Cz"), 250, 0, new float[100]);
        EegPreprocessing p = EegPreprocessing.forModel(EegPreprocessing.Spec.of(List.of("Cz"), 250, 1.0));
        assertThatThrownBy(() -> p.process(shortInput)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("the model needs 0.0..1.0 s");
        EegSignal exact = signal(List.of("Cz"), 250, 0, new float[250]);
        assertThat(p.process(exact).samples()).isEqualTo(250);
    }
}
