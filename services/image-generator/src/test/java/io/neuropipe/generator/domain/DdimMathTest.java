package io.neuropipe.generator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DdimMathTest {

    private final DdimSchedule schedule = new DdimSchedule(1000, 1e-4, 0.02);

    @Test
    void linearScheduleMatchesCumulativeProductOfOneMinusBeta() {
        // expected values computed with numpy: cumprod(1 - linspace(1e-4, 0.02, 1000))
        assertThat(schedule.alphaCumprod(0)).isCloseTo(0.9999, within(1e-12));
        assertThat(schedule.alphaCumprod(1)).isCloseTo(0.9997800920720721, within(1e-12));
        assertThat(schedule.alphaCumprod(500)).isCloseTo(0.07779665836502389, within(1e-10));
        assertThat(schedule.alphaCumprod(999)).isCloseTo(4.035829765375676e-05, within(1e-12));
    }

    @Test
    void timestepsAreRoundedLinspaceFromLastToZero() {
        assertThat(schedule.timesteps(10)).containsExactly(999, 888, 777, 666, 555, 444, 333, 222, 111, 0);
        assertThat(schedule.timesteps(50)).startsWith(999, 979, 958).endsWith(0).hasSize(50);
        assertThat(schedule.timesteps(1)).containsExactly(999);
    }

    @Test
    void ddimStepMovesToThePreviousNoiseLevel() {
        // x0 = (0.2 - 0.6*0.1)/0.8 = 0.175; eps' = (0.2 - 0.8*0.175)/0.6 = 0.1; x = 0.9*0.175 + sqrt(0.19)*0.1
        float[] x = {0.2f};
        DdimStep.apply(x, new float[] {0.1f}, 0.64, 0.81);
        assertThat(x[0]).isCloseTo((float) (0.9 * 0.175 + Math.sqrt(0.19) * 0.1), within(1e-6f));
    }

    @Test
    void predictedCleanSampleIsClippedAndTheFinalStepReturnsIt() {
        // x0 = 1/0.5 = 2 -> clipped to 1; with aPrev = 1 the result is x0 itself
        float[] x = {1f};
        DdimStep.apply(x, new float[] {0f}, 0.25, 1.0);
        assertThat(x[0]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void guidanceExtrapolatesFromUnconditionalToConditional() {
        float[] cond = {1f, 0f};
        DdimStep.guide(cond, new float[] {0f, 1f}, 3.0);
        assertThat(cond).containsExactly(3f, -2f);
    }

    @Test
    void noiseIsDeterministicPerSeedAndStandardNormal() {
        float[] a = SeededNoise.gaussian(42, 20000);
        assertThat(SeededNoise.gaussian(42, 20000)).containsExactly(a);
        assertThat(SeededNoise.gaussian(43, 10)).isNotEqualTo(java.util.Arrays.copyOf(a, 10));
        double mean = 0;
        double sq = 0;
        for (float v : a) {
            mean += v;
            sq += v * v;
        }
        mean /= a.length;
        assertThat(mean).isCloseTo(0, within(0.03));
        assertThat(sq / a.length - mean * mean).isCloseTo(1, within(0.05));
    }

    @Test
    void priorNoiseInjectionAddsScaledInitialNoise() {
        float[] x = {0.5f, -0.25f};
        DdimStep.injectPrior(x, new float[] {1f, -2f}, 0.003);
        assertThat(x[0]).isCloseTo(0.503f, within(1e-7f));
        assertThat(x[1]).isCloseTo(-0.256f, within(1e-7f));
    }
}
