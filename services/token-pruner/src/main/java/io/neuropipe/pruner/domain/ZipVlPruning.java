package io.neuropipe.pruner.domain;

import java.util.Arrays;
import java.util.Map;

import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/**
 * Strategy {@code zipvl}: ZipVL's adaptive ratio on the vision side — sort tokens by CLS attention (descending,
 * ties to the lower grid index) and keep the smallest prefix whose cumulative attention is at least
 * {@code tau} times the total attention. Parameter {@code tau} in (0, 1], default 0.9. A peaked attention map
 * keeps few tokens, a flat one keeps many; at least one token is always kept. The total is summed in the same
 * order as the prefix, so {@code tau = 1} keeps exactly the tokens up to the last one with non-zero attention.
 */
@Component
public class ZipVlPruning implements PruningStrategy {

    @Override
    public String name() {
        return "zipvl";
    }

    @Override
    public PruneResult prune(VisionTokens all, StepParams params) {
        double tau = PruneParams.ratio(params, "tau", 0.9);
        int[] order = TokenSelection.byAttention(all);
        float[] attention = all.clsAttention();
        double total = 0;
        for (int i : order) {
            total += attention[i];
        }
        double target = tau * total;
        double cumulative = 0;
        int keep = 0;
        while (keep < order.length) {
            cumulative += attention[order[keep++]];
            if (cumulative >= target) {
                break;
            }
        }
        return PruneResult.selected(TokenSelection.keep(all, Arrays.copyOf(order, Math.max(1, keep))),
            Map.of("tau", PruneParams.format(tau)));
    }
}
