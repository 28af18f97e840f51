package io.neuropipe.generator.domain;

import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/** {@code propagation=off}: the encoder runs at every step (the plain UNet). */
@Component
public class FullUnetSchedule implements PropagationSchedule {

    @Override
    public String name() {
        return "off";
    }

    @Override
    public int[] keySteps(int steps, StepParams params, PropagationDefaults defaults) {
        int[] all = new int[steps];
        for (int i = 0; i < steps; i++) {
            all[i] = i;
        }
        return all;
    }

    @Override
    public boolean propagates() {
        return false;
    }
}
