package io.neuropipe.pruner.domain;

import io.neuropipe.runtime.step.StepParams;

/** One way of choosing which vision tokens the decoder sees. Registered as a bean under its {@link #name()}. */
public interface PruningStrategy {

    String name();

    /** The tokens to keep, in grid order. */
    VisionTokens prune(VisionTokens all, StepParams params);
}
