package io.neuropipe.decoder.prefix;

/** Head-averaged attention weights of one early LM layer over a whole sequence. */
@FunctionalInterface
public interface AttentionProbe {

    /** Row-major [length, length] attention (query x key, causal) of {@code input}. */
    float[] attention(PrefillInput input);
}
