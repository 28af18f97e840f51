package io.neuropipe.generator.domain;

import io.neuropipe.runtime.step.StepParams;

/**
 * Which DDIM steps run the UNet encoder (Faster Diffusion encoder propagation); the decoder runs at
 * every step and reuses the features of the latest key step. A new schedule is a new implementation
 * registered under its {@link #name()} in {@link PropagationSchedules}.
 */
public interface PropagationSchedule {

    /** The value of the request parameter {@code propagation} that selects this schedule. */
    String name();

    /**
     * Key step indices (0-based, ascending, distinct, always containing 0) for {@code steps} DDIM steps.
     * Reads its own parameters from {@code params}; a bad one is an {@code InvalidInputException} naming it.
     */
    int[] keySteps(int steps, StepParams params, PropagationDefaults defaults);

    /** Whether the encoder is skipped anywhere, i.e. prior noise injection applies by default. */
    default boolean propagates() {
        return true;
    }
}
