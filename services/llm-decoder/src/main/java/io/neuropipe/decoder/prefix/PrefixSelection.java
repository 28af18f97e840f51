package io.neuropipe.decoder.prefix;

/** Picks the vision tokens to keep from the probe's attention. */
@FunctionalInterface
public interface PrefixSelection {

    /**
     * @param attention row-major [length, length] attention (query x key)
     * @param length    sequence length
     * @param vision    rows {@code 0 .. vision - 1} are vision tokens, the rest the prompt
     * @return ascending indices of the kept vision tokens
     */
    int[] keep(float[] attention, int length, int vision);

    static PrefixSelection fastV(double ratio) {
        return (attention, length, vision) -> FastVSelection.keep(attention, length, vision, ratio);
    }

    /** MustDrop's dual-attention filter with the prompt's tokens after {@code <s>} as the text queries. */
    static PrefixSelection mustDrop(boolean[] keys, double globalThreshold, double individualThreshold) {
        return (attention, length, vision) -> DualAttentionFilter.keep(attention, length, vision, Math.min(vision + 1, length - 1),
            keys, globalThreshold, individualThreshold);
    }
}
