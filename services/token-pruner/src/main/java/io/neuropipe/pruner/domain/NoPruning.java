package io.neuropipe.pruner.domain;

import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/** Strategy {@code none}: every token. */
@Component
public class NoPruning implements PruningStrategy {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public VisionTokens prune(VisionTokens all, StepParams params) {
        return all;
    }
}
