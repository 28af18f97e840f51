package io.neuropipe.pruner.domain;

import io.neuropipe.runtime.step.StepParams;

/**
 * One way of choosing which vision tokens the decoder sees. Registered as a bean under its {@link #name()};
 * the prune step picks one per request by its param {@code strategy}. Implementations are stateless and
 * validate their own parameters ({@link PruneParams}), throwing an {@code InvalidInputException} that names
 * the parameter.
 */
public interface PruningStrategy {

    String name();

    /** The tokens to keep (in grid order) and what else the decoder needs to know about them. */
    PruneResult prune(VisionTokens all, StepParams params);
}
