package io.neuropipe.pruner.domain;

import java.util.Map;

import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/**
 * Strategy {@code cls-topk}: keeps the {@code (1 - R)} share of tokens with the highest CLS attention (the
 * vision-side counterpart of FastV). Parameter {@code ratio} = kept share in (0, 1], default 0.5; the kept
 * count is ceil(ratio * N); ties in attention go to the lower grid index.
 */
@Component
public class ClsTopKPruning implements PruningStrategy {

    @Override
    public String name() {
        return "cls-topk";
    }

    @Override
    public PruneResult prune(VisionTokens all, StepParams params) {
        double ratio = PruneParams.ratio(params, "ratio", 0.5);
        int keep = PruneParams.keepCount(ratio, all.count());
        return PruneResult.selected(TokenSelection.keep(all, TokenSelection.topByAttention(all, keep)),
            Map.of("ratio", PruneParams.format(ratio)));
    }
}
