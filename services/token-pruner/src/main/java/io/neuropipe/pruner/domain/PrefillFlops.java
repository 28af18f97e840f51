package io.neuropipe.pruner.domain;

/**
 * Estimate of the LLM decoder's prefill FLOPs as a function of the vision tokens it is fed, for the zoo's
 * {@code lm} (hidden size D = 128, 4 layers, feed-forward FF = 384, plus ~8 text tokens of prompt).
 *
 * <p>Per layer, for a sequence of S tokens: {@code F(S) = 2 * S * (4 * D^2 + 3 * D * FF) + 2 * S^2 * D} —
 * the Q/K/V/O projections ({@code 4 D^2} multiply-adds per token), the gated MLP's three matrices
 * ({@code 3 D FF}) and the attention scores plus weighted sum ({@code S^2 D} multiply-adds each, halved by the
 * causal mask), two FLOPs per multiply-add. Prefill = layers * F(S), S = vision tokens + text tokens. The
 * saved share is {@code 1 - F(kept + T) / F(N + T)}; the layer count cancels.
 */
public final class PrefillFlops {

    public static final int HIDDEN = 128;
    public static final int LAYERS = 4;
    public static final int FEED_FORWARD = 384;
    public static final int TEXT_TOKENS = 8;

    private PrefillFlops() {
    }

    /** Prefill FLOPs of all layers for {@code visionTokens} vision tokens plus the text. */
    public static double prefill(int visionTokens) {
        double s = visionTokens + TEXT_TOKENS;
        double d = HIDDEN;
        return LAYERS * (2 * s * (4 * d * d + 3 * d * FEED_FORWARD) + 2 * s * s * d);
    }

    /** Share of the full prefill saved by feeding {@code kept} of {@code total} vision tokens. */
    public static double savedRatio(int kept, int total) {
        return 1 - prefill(kept) / prefill(total);
    }
}
