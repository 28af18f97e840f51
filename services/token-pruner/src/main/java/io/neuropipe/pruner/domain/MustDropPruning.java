package io.neuropipe.pruner.domain;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/**
 * Strategy {@code mustdrop}: MustDrop's vision stage (its text-guided dual-attention stage runs in the LLM
 * decoder, which honours the sizes and key flags this stage produces).
 * <ol>
 *   <li>Spatial merge ({@link WindowMerge}): 3x3 windows of the patch grid whose mean pairwise cosine
 *       similarity is at least {@code merge_threshold} (default 0.8, finite, in [-1, 1]) are merged into
 *       their centre token by size-weighted average; sizes are tracked.</li>
 *   <li>Key set: the ceil({@code key_ratio} * N) tokens (N = the original patch count; {@code key_ratio} in
 *       [0, 1], default 0.08) with the highest CLS attention after merging (ties to the lower grid index) are
 *       flagged as keys, which no later stage may drop.</li>
 *   <li>Optional {@code ratio} in (0, 1]: keep ceil(ratio * N) tokens — the key set plus the most attended of
 *       the rest — never fewer than the key set, and never more than the tokens left after merging (on the zoo's
 *       encoder, whose last-layer tokens are smooth over backgrounds, the default threshold already merges 23 to 34
 *       of the 36 windows of a sample image, leaving 17 % to 52 % of the tokens). Without it every token left
 *       after merging is kept.</li>
 * </ol>
 */
@Component
public class MustDropPruning implements PruningStrategy {

    @Override
    public String name() {
        return "mustdrop";
    }

    @Override
    public PruneResult prune(VisionTokens all, StepParams params) {
        double threshold = PruneParams.number(params, "merge_threshold", 0.8, -1, 1);
        double keyRatio = PruneParams.number(params, "key_ratio", 0.08, 0, 1);
        Optional<Double> ratio = PruneParams.optionalRatio(params, "ratio");
        WindowMerge.Merged merged = WindowMerge.merge(all, WindowMerge.WINDOW, threshold);
        VisionTokens tokens = merged.tokens();
        int keyCount = Math.min(tokens.count(), (int) Math.ceil(keyRatio * all.count() - 1e-9));
        boolean[] keys = tokens.keys().clone();
        for (int i : TokenSelection.topByAttention(tokens, keyCount)) {
            keys[i] = true;
        }
        VisionTokens flagged = new VisionTokens(tokens.tokens(), tokens.count(), tokens.dim(), tokens.positions(),
            tokens.clsAttention(), tokens.grid(), tokens.sizes(), keys);
        VisionTokens kept = ratio.map(r -> TokenSelection.keepForcedThenTop(flagged, keys, PruneParams.keepCount(r, all.count())))
            .orElse(flagged);
        Map<String, String> settings = new HashMap<>(Map.of("merge_threshold", PruneParams.format(threshold),
            "key_ratio", PruneParams.format(keyRatio), "merged_windows", Integer.toString(merged.mergedWindows())));
        ratio.ifPresent(r -> settings.put("ratio", PruneParams.format(r)));
        return new PruneResult(kept, merged.mergedTokens(), new long[0], settings);
    }
}
