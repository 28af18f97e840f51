package io.neuropipe.generator.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the sampler runs, decided before the first UNet call.
 *
 * @param schedule        name of the propagation schedule
 * @param timesteps       DDIM timesteps, one per step, descending to 0
 * @param keySteps        step indices that run the encoder (ascending, contains 0)
 * @param parallel        decode a key step and its following non-key steps in one batched decoder call
 * @param maxParallel     most steps per batched decoder call
 * @param injectBelowT    prior noise injection {@code x += injectScale * z_T} after steps with t below this; 0 = off
 * @param injectScale     scale of the injected initial noise
 */
public record SamplingPlan(String schedule, int[] timesteps, int[] keySteps, boolean parallel, int maxParallel,
                           int injectBelowT, double injectScale) {

    public SamplingPlan {
        if (keySteps.length == 0 || keySteps[0] != 0) {
            throw new IllegalArgumentException("Key steps must start at step 0: " + Arrays.toString(keySteps));
        }
        if (maxParallel < 1) {
            throw new IllegalArgumentException("maxParallel must be >= 1");
        }
    }

    public int steps() {
        return timesteps.length;
    }

    /**
     * Runs of steps sharing one encoder pass: [key step, next key step), each split into decoder
     * calls of at most {@code maxParallel} steps when parallel, of one step otherwise. Each element
     * is {start, end, runsEncoder (1/0)}.
     */
    public List<int[]> decoderCalls() {
        List<int[]> calls = new ArrayList<>();
        for (int k = 0; k < keySteps.length; k++) {
            int start = keySteps[k];
            int end = k + 1 < keySteps.length ? keySteps[k + 1] : timesteps.length;
            int width = parallel ? maxParallel : 1;
            for (int s = start; s < end; s += width) {
                calls.add(new int[] {s, Math.min(end, s + width), s == start ? 1 : 0});
            }
        }
        return calls;
    }

    public String keyStepsText() {
        StringBuilder b = new StringBuilder();
        for (int k : keySteps) {
            b.append(b.isEmpty() ? "" : ",").append(k);
        }
        return b.toString();
    }
}
