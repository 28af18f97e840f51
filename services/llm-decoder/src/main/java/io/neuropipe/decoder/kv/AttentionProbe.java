package io.neuropipe.decoder.kv;

import java.util.Arrays;
import java.util.Map;

import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.OnnxModel;

/**
 * The zoo's {@code lm-probe} graph: the decoder's first layers returning one layer's causal attention, averaged over heads.
 * The decoder itself does not output attention, so this is the saliency signal for the whole cache.
 */
final class AttentionProbe {

    private final OnnxModel probe;

    AttentionProbe(OnnxModel probe) {
        this.probe = probe;
    }

    /** Row-major [length, length] attention (query x key) over the given prefill rows. */
    float[] attention(float[] embeds, long[] positions, int length, int hidden) {
        long[] mask = new long[length];
        Arrays.fill(mask, 1L);
        try (InferenceScope scope = probe.scope()) {
            return scope.run(probe, Map.of("inputs_embeds", scope.floats(embeds, 1, length, hidden),
                "position_ids", scope.longs(positions, 1, length),
                "attention_mask", scope.longs(mask, 1, length))).floats("attentions");
        }
    }
}
