package io.neuropipe.pruner.domain;

import java.util.Map;

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
    public PruneResult prune(VisionTokens all, StepParams params) {
        return PruneResult.selected(all, Map.of());
    }
}
