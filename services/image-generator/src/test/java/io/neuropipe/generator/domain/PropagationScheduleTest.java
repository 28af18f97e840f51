package io.neuropipe.generator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepParams;
import org.junit.jupiter.api.Test;

class PropagationScheduleTest {

    private final PropagationSchedules schedules = PropagationSchedules.builtIn();
    private final PropagationDefaults paper = PropagationDefaults.PAPER;

    private int[] keys(String name, int steps, Map<String, String> params) {
        return schedules.get(name).keySteps(steps, StepParams.of(params, Map.of()), paper);
    }

    @Test
    void paperKeyStepsAreUsedAsIsForFiftySteps() {
        assertThat(keys("keysteps", 50, Map.of())).containsExactly(0, 1, 2, 3, 5, 10, 15, 25, 35);
    }

    @Test
    void paperKeyStepsScaleToTheStepCountRoundingHalfUpAndDeduplicating() {
        // 25 steps: k/2 -> 0, 0.5->1, 1, 1.5->2, 2.5->3, 5, 7.5->8, 12.5->13, 17.5->18
        assertThat(keys("keysteps", 25, Map.of())).containsExactly(0, 1, 2, 3, 5, 8, 13, 18);
        assertThat(keys("keysteps", 100, Map.of())).containsExactly(0, 2, 4, 6, 10, 20, 30, 50, 70);
        // 10 steps: 0, 0.2, 0.4, 0.6->1, 1, 2, 3, 5, 7
        assertThat(keys("keysteps", 10, Map.of())).containsExactly(0, 1, 2, 3, 5, 7);
        assertThat(keys("keysteps", 1, Map.of())).containsExactly(0);
    }

    @Test
    void uniformRunsTheEncoderEveryNthStep() {
        assertThat(keys("uniform", 50, Map.of())).containsExactly(0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48);
        assertThat(keys("uniform", 25, Map.of("every", "10"))).containsExactly(0, 10, 20);
        assertThat(keys("uniform", 5, Map.of("every", "1"))).containsExactly(0, 1, 2, 3, 4);
        assertThat(keys("uniform", 3, Map.of())).containsExactly(0);
    }

    @Test
    void offRunsTheEncoderAtEveryStep() {
        assertThat(keys("off", 5, Map.of())).containsExactly(0, 1, 2, 3, 4);
        assertThat(schedules.get("off").propagates()).isFalse();
        assertThat(schedules.get("keysteps").propagates()).isTrue();
    }

    @Test
    void badSchedulesAndParametersNameTheParameter() {
        assertThatThrownBy(() -> schedules.get("fastest")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("propagation").hasMessageContaining("fastest").hasMessageContaining("keysteps");
        assertThatThrownBy(() -> keys("uniform", 50, Map.of("every", "0"))).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("every");
        assertThatThrownBy(() -> keys("uniform", 50, Map.of("every", "51"))).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("every");
        assertThatThrownBy(() -> keys("uniform", 50, Map.of("every", "x"))).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("every");
    }

    @Test
    void twoSchedulesWithOneNameAreRefused() {
        assertThatThrownBy(() -> new PropagationSchedules(List.of(new UniformSchedule(), new UniformSchedule())))
            .hasMessageContaining("uniform");
    }

    @Test
    void decoderCallsCoverEveryStepOnceGroupedByKeyStepInParallelMode() {
        int[] ts = new DdimSchedule(1000, 1e-4, 0.02).timesteps(10);
        SamplingPlan sequential = new SamplingPlan("x", ts, new int[] {0, 1, 5}, false, 16, 0, 0);
        assertThat(sequential.decoderCalls()).hasSize(10);
        assertThat(sequential.decoderCalls().stream().filter(c -> c[2] == 1).map(c -> c[0])).containsExactly(0, 1, 5);
        SamplingPlan parallel = new SamplingPlan("x", ts, new int[] {0, 1, 5}, true, 16, 0, 0);
        assertThat(parallel.decoderCalls()).containsExactly(new int[] {0, 1, 1}, new int[] {1, 5, 1}, new int[] {5, 10, 1});
        SamplingPlan capped = new SamplingPlan("x", ts, new int[] {0, 1, 5}, true, 3, 0, 0);
        assertThat(capped.decoderCalls()).containsExactly(new int[] {0, 1, 1}, new int[] {1, 4, 1}, new int[] {4, 5, 0},
            new int[] {5, 8, 1}, new int[] {8, 10, 0});
        assertThat(parallel.keyStepsText()).isEqualTo("0,1,5");
    }

    @Test
    void cardConstantsAreRead() {
        var card = new io.neuropipe.runtime.model.ModelCard("unet-encoder", 1, true, "", 0, "aa", List.of(), List.of(),
            Map.of("encoder_propagation", Map.of("key_steps", List.of(0, 2, 7), "uniform_every", 3,
                "prior_noise_injection", Map.of("below_t", 400, "scale", 0.01))), null, null, null);
        PropagationDefaults d = PropagationDefaults.fromCard(card);
        assertThat(d.keySteps()).containsExactly(0, 2, 7);
        assertThat(d.uniformEvery()).isEqualTo(3);
        assertThat(d.injectionBelowT()).isEqualTo(400);
        assertThat(d.injectionScale()).isEqualTo(0.01);
    }
}
