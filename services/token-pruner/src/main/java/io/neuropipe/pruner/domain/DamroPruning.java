package io.neuropipe.pruner.domain;

import java.util.Arrays;
import java.util.Map;

import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/**
 * Strategy {@code damro}: DAMRO's vision side. The {@code outliers} tokens with the highest CLS attention
 * (integer in 1..N, default 6; ties to the lower grid index) are the ViT's attention outliers, which carry
 * background rather than object information; their grid positions are passed on so the decoder can run
 * DAMRO's contrastive decoding ({@code (1 + a) * logits(full) - a * logits(outliers only)}). Tokens kept: all,
 * or with {@code ratio} in (0, 1] the ceil(ratio * N) most attended — never fewer than the outliers, which
 * are always kept since the decoder's outlier-only pass needs them.
 */
@Component
public class DamroPruning implements PruningStrategy {

    @Override
    public String name() {
        return "damro";
    }

    @Override
    public PruneResult prune(VisionTokens all, StepParams params) {
        int k = params.integer("outliers", Math.min(6, all.count()), 1, all.count());
        double ratio = PruneParams.ratio(params, "ratio", 1.0);
        int[] top = TokenSelection.topByAttention(all, k);
        long[] outliers = Arrays.stream(top).mapToLong(i -> all.positions()[i]).sorted().toArray();
        int keep = Math.max(k, PruneParams.keepCount(ratio, all.count()));
        VisionTokens kept = keep == all.count() ? all : TokenSelection.keep(all, TokenSelection.topByAttention(all, keep));
        return new PruneResult(kept, 0, outliers, Map.of("outliers", Integer.toString(k), "ratio", PruneParams.format(ratio)));
    }
}
