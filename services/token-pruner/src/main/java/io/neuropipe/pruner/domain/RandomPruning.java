package io.neuropipe.pruner.domain;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/**
 * Strategy {@code random}: the honest baseline — ceil({@code ratio} * N) tokens chosen uniformly at random,
 * ignoring attention. Parameters: {@code ratio} in (0, 1] (default 0.5), {@code seed} (64-bit integer,
 * default 0). The same seed and token count always pick the same grid positions ({@link Random}'s generator
 * is specified, so this holds across JVMs): a partial Fisher-Yates shuffle of 0..N-1, first k taken.
 */
@Component
public class RandomPruning implements PruningStrategy {

    @Override
    public String name() {
        return "random";
    }

    @Override
    public PruneResult prune(VisionTokens all, StepParams params) {
        double ratio = PruneParams.ratio(params, "ratio", 0.5);
        long seed = PruneParams.longValue(params, "seed", 0L);
        int keep = PruneParams.keepCount(ratio, all.count());
        int[] order = new int[all.count()];
        Arrays.setAll(order, i -> i);
        Random random = new Random(seed);
        for (int i = 0; i < keep; i++) {
            int j = i + random.nextInt(order.length - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return PruneResult.selected(TokenSelection.keep(all, Arrays.copyOf(order, keep)),
            Map.of("ratio", PruneParams.format(ratio), "seed", Long.toString(seed)));
    }
}
