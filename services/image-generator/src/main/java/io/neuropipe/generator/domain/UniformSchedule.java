package io.neuropipe.generator.domain;

import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/** {@code propagation=uniform}: the encoder runs at every n-th step; n is the parameter {@code every}. */
@Component
public class UniformSchedule implements PropagationSchedule {

    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public int[] keySteps(int steps, StepParams params, PropagationDefaults defaults) {
        int every = params.integer("every", Math.min(defaults.uniformEvery(), steps), 1, steps);
        int[] keys = new int[(steps + every - 1) / every];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i * every;
        }
        return keys;
    }
}
