package io.neuropipe.encoder.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolyphaseResamplerTest {

    /** x[k] = sin(2 pi 7 k / 500) + 0.3 cos(2 pi 31 k / 500) + 0.001 k, k = 0..99, as float32. */
    private static float[] signal() {
        float[] x = new float[100];
        for (int k = 0; k < 100; k++) {
            x[k] = (float) (Math.sin(2 * Math.PI * 7 * k / 500) + 0.3 * Math.cos(2 * Math.PI * 31 * k / 500) + 0.001 * k);
        }
        return x;
    }

    /** Reference values from {@code scipy.signal.resample_poly(x, up, down)} (SciPy 1.17). */
    @ParameterizedTest
    @CsvSource({
        "1, 2, 50, 0.23914402511841976, 0.4094173998989689, 0.34225639973808286, -0.6588097589149366, 1.133042887493364",
        "1, 4, 25, 0.2223899204411676, 0.37785138173238125, 0.34137210293200765, -0.5383551702815669, 1.2691418865558255",
        "125, 128, 98, 0.2970438907238105, 0.3686477519242666, 0.3899903384044994, -0.6756151342041409, 0.6439211412090416",
        "2, 1, 200, 0.30015525310591573, 0.3697416911003176, 0.3665639614013772, -0.6586920988586275, 0.4613622969860908",
        "3, 2, 150, 0.30018186399428826, 0.3728280663557372, 0.3630666082072106, -0.658750496576919, 0.6431883676210126"})
    void matchesScipyResamplePoly(int up, int down, int n, double y0, double y1, double y2, double yMid, double yLast) {
        float[] y = new PolyphaseResampler(up, down).resample(signal());
        assertThat(y).hasSize(n);
        assertThat((double) y[0]).isCloseTo(y0, within(1e-5));
        assertThat((double) y[1]).isCloseTo(y1, within(1e-5));
        assertThat((double) y[2]).isCloseTo(y2, within(1e-5));
        assertThat((double) y[n / 2]).isCloseTo(yMid, within(1e-5));
        assertThat((double) y[n - 1]).isCloseTo(yLast, within(1e-5));
    }

    @ParameterizedTest
    @CsvSource({"500, 250, 1, 2", "1000, 250, 1, 4", "256, 250, 125, 128", "250, 250, 1, 1", "250, 1000, 4, 1", "1024, 250, 125, 512",
        "512.5, 250, 20, 41"})
    void findsTheRatio(double from, double to, int up, int down) {
        PolyphaseResampler r = PolyphaseResampler.of(from, to);
        assertThat(r.up()).isEqualTo(up);
        assertThat(r.down()).isEqualTo(down);
    }

    @ParameterizedTest
    @CsvSource({"500, 250", "1000, 250", "256, 250"})
    void keepsALowFrequencySineAwayFromTheEdges(double from, double to) {
        int n = (int) (from * 4);
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = (float) Math.sin(2 * Math.PI * 10 * k / from);
        }
        float[] y = PolyphaseResampler.of(from, to).resample(x);
        assertThat(y).hasSize((int) Math.ceil(n * to / from));
        for (int m = 100; m < y.length - 100; m++) {
            assertThat((double) y[m]).as("sample %d", m).isCloseTo(Math.sin(2 * Math.PI * 10 * m / to), within(2e-3));
        }
    }

    @Test
    void removesContentAboveTheNewNyquist() {
        // 200 Hz at 1000 Hz sampling aliases to 50 Hz at 250 Hz unless filtered away
        float[] x = new float[4000];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) Math.sin(2 * Math.PI * 200 * k / 1000.0);
        }
        float[] y = PolyphaseResampler.of(1000, 250).resample(x);
        for (int m = 100; m < y.length - 100; m++) {
            assertThat(Math.abs(y[m])).isLessThan(0.01f);
        }
    }

    @Test
    void resamplesEveryChannelOfASignal() {
        float[] d = new float[2 * 100];
        java.util.Arrays.fill(d, 0, 100, 1f);
        java.util.Arrays.fill(d, 100, 200, -2f);
        EegSignal s = new PolyphaseResampler(1, 2).resample(new EegSignal(List.of("a", "b"), 500, -0.2, 100, d), 250);
        assertThat(s.samples()).isEqualTo(50);
        assertThat(s.sampleRate()).isEqualTo(250);
        assertThat(s.startTime()).isEqualTo(-0.2);
        // zero padding shades only the ~10 samples at each edge (half the 41-tap filter at the input rate)
        for (int m = 11; m < 39; m++) {
            assertThat(s.channel(0)[m]).isCloseTo(1f, within(1e-4f));
            assertThat(s.channel(1)[m]).isCloseTo(-2f, within(1e-4f));
        }
    }

    @Test
    void rejectsImpossibleRates() {
        assertThatThrownBy(() -> PolyphaseResampler.of(0, 250)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> PolyphaseResampler.of(Math.PI * 100, 250)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("no ratio of integers");
    }
}
