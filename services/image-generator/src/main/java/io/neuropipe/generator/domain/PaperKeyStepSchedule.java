package io.neuropipe.generator.domain;

import java.util.TreeSet;

import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/**
 * {@code propagation=keysteps}: the paper's non-uniform key steps (given for 50 steps), scaled to the
 * requested count: key step k becomes round(k * steps / 50) (half up), deduplicated, kept below steps.
 */
@Component
public class PaperKeyStepSchedule implements PropagationSchedule {

    @Override
    public String name() {
        return "keysteps";
    }

    @Override
    public int[] keySteps(int steps, StepParams params, PropagationDefaults defaults) {
        TreeSet<Integer> keys = new TreeSet<>();
        keys.add(0);
        for (int k : defaults.keySteps()) {
            int scaled = (int) Math.round((double) k * steps / defaults.referenceSteps());
            if (scaled < steps) {
                keys.add(scaled);
            }
        }
        return keys.stream().mapToInt(Integer::intValue).toArray();
    }
}
