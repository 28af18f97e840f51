package io.neuropipe.pruner.domain;

import java.util.stream.IntStream;

import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/**
 * Strategy {@code cls-topk}: keeps the {@code (1 - R)} share of tokens with the highest CLS
 * attention (the vision-side counterpart of FastV). Parameter {@code ratio} = kept share in (0, 1].
 */
@Component
public class ClsTopKPruning implements PruningStrategy {

    @Override
    public String name() {
        return "cls-topk";
    }

    @Override
    public VisionTokens prune(VisionTokens all, StepParams params) {
        double ratio = params.number("ratio", 0.5, Double.MIN_VALUE, 1.0);
        int keep = Math.max(1, (int) Math.ceil(ratio * all.count()));
        float[] attention = all.clsAttention();
        int[] top = IntStream.range(0, all.count()).boxed()
            .sorted((a, b) -> Float.compare(attention[b], attention[a]))
            .limit(keep).mapToInt(Integer::intValue).toArray();
        return TokenSelection.keep(all, top);
    }
}
