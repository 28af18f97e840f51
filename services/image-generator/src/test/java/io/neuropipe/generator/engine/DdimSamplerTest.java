package io.neuropipe.generator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neuropipe.generator.domain.DdimSchedule;
import io.neuropipe.generator.domain.PropagationDefaults;
import io.neuropipe.generator.domain.PropagationSchedules;
import io.neuropipe.generator.domain.SamplingPlan;
import io.neuropipe.generator.domain.SeededNoise;
import io.neuropipe.runtime.step.JobCancelledException;
import io.neuropipe.runtime.step.StepParams;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sampling loop over a fake UNet: which passes run, with which features, and what parallel mode changes. */
class DdimSamplerTest {

    private static final DdimSchedule SCHEDULE = new DdimSchedule(1000, 1e-4, 0.02);
    private static final float[] COND = {0.1f, -0.2f, 0.3f, 0f, 0.5f, -0.1f, 0.2f, 0.05f};

    private static SamplingPlan plan(String schedule, int steps, boolean parallel, boolean inject) {
        int[] keys = PropagationSchedules.builtIn().get(schedule).keySteps(steps, StepParams.of(Map.of(), Map.of()),
            PropagationDefaults.PAPER);
        return new SamplingPlan(schedule, SCHEDULE.timesteps(steps), keys, parallel, 16, inject ? 500 : 0, 0.003);
    }

    private static SampleResult run(FakeUnet unet, SamplingPlan plan, long seed) {
        return new DdimSampler(unet).sample(new SampleRequest(COND, SeededNoise.gaussian(seed, 3 * 4 * 4), 3.0, plan));
    }

    @Test
    void fullUnetRunsTheEncoderAtEveryStep() {
        FakeUnet unet = new FakeUnet();
        SampleResult r = run(unet, plan("off", 50, false, false), 1);
        assertThat(r.encoderCalls()).isEqualTo(50).isEqualTo(unet.encoded.size());
        assertThat(r.decoderCalls()).isEqualTo(50);
        for (int i = 0; i < 50; i++) {
            assertThat(unet.decodedWith.get(i)).isSameAs(unet.encoded.get(i));
        }
    }

    @Test
    void nonKeyStepsDecodeTheFeaturesOfTheLatestKeyStep() {
        FakeUnet unet = new FakeUnet();
        SampleResult r = run(unet, plan("keysteps", 50, false, true), 1);
        assertThat(r.encoderCalls()).isEqualTo(9).isEqualTo(unet.encoded.size());
        assertThat(r.decoderCalls()).isEqualTo(50);
        int[] keys = {0, 1, 2, 3, 5, 10, 15, 25, 35};
        int k = -1;
        for (int step = 0; step < 50; step++) {
            if (k + 1 < keys.length && keys[k + 1] == step) {
                k++;
            }
            assertThat(unet.decodedWith.get(step)).as("step %d", step).isSameAs(unet.encoded.get(k));
        }
        assertThat(unet.decoderRows).allMatch(rows -> rows == 2);
    }

    @Test
    void aCancelledJobStopsBeforeTheNextDenoisingStep() {
        FakeUnet unet = new FakeUnet();
        SampleRequest request = new SampleRequest(COND, SeededNoise.gaussian(1, 3 * 4 * 4), 3.0, plan("off", 50, false, false));
        // cancelled while the 5th step runs: the 6th never starts
        assertThatThrownBy(() -> new DdimSampler(unet).sample(request, () -> unet.decodedWith.size() >= 5))
            .isInstanceOf(JobCancelledException.class);
        assertThat(unet.decodedWith).hasSize(5);
        assertThat(unet.encoded).hasSize(5);
    }

    @Test
    void parallelModeBatchesAKeyStepWithItsNonKeyStepsAndGivesTheSameImage() {
        FakeUnet seq = new FakeUnet();
        FakeUnet par = new FakeUnet();
        float[] a = run(seq, plan("keysteps", 50, false, true), 7).image();
        SampleResult b = run(par, plan("keysteps", 50, true, true), 7);
        assertThat(b.encoderCalls()).isEqualTo(9);
        assertThat(b.decoderCalls()).isEqualTo(9);
        // 2 rows (cond, uncond) per step: groups of 1, 1, 1, 2, 5, 5, 10, 10, 15 steps
        assertThat(par.decoderRows).containsExactly(2, 2, 2, 4, 10, 10, 20, 20, 30);
        assertThat(b.image()).containsExactly(a);
    }

    @Test
    void propagationAndNoiseInjectionChangeTheImageAndOutputStaysInRange() {
        float[] full = run(new FakeUnet(), plan("off", 20, false, false), 3).image();
        float[] prop = run(new FakeUnet(), plan("keysteps", 20, false, false), 3).image();
        float[] injected = run(new FakeUnet(), plan("keysteps", 20, false, true), 3).image();
        assertThat(prop).isNotEqualTo(full);
        assertThat(injected).isNotEqualTo(prop);
        for (float v : injected) {
            assertThat(v).isBetween(-1f, 1f);
        }
    }

    @Test
    void sameNoiseGivesTheSameImage() {
        assertThat(run(new FakeUnet(), plan("uniform", 30, true, true), 5).image())
            .containsExactly(run(new FakeUnet(), plan("uniform", 30, true, true), 5).image());
        assertThat(run(new FakeUnet(), plan("uniform", 30, true, true), 6).image())
            .isNotEqualTo(run(new FakeUnet(), plan("uniform", 30, true, true), 5).image());
    }
}
