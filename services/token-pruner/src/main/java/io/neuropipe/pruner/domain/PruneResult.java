package io.neuropipe.pruner.domain;

import java.util.Map;

/**
 * What a strategy decided.
 *
 * @param kept         the tokens the decoder sees, in grid order, with merge sizes and key flags
 * @param mergedTokens original tokens merged away into another token (0 for strategies that do not merge)
 * @param outliers     grid positions (ascending) of DAMRO's CLS-attention outliers; empty for other strategies
 * @param settings     the strategy's effective parameters (defaults filled in), recorded in the provenance
 */
public record PruneResult(VisionTokens kept, int mergedTokens, long[] outliers, Map<String, String> settings) {

    public PruneResult {
        settings = Map.copyOf(settings);
    }

    /** A plain selection: no merging, no outliers. */
    public static PruneResult selected(VisionTokens kept, Map<String, String> settings) {
        return new PruneResult(kept, 0, new long[0], settings);
    }
}
