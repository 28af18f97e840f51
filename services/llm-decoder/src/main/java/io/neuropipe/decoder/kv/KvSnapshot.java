package io.neuropipe.decoder.kv;

/**
 * A sequence's KV cache copied out of ONNX Runtime, in the decoder's layout.
 *
 * @param layers  decoder layers
 * @param heads   attention heads
 * @param tokens  cached positions
 * @param headDim channels per head
 * @param keys    per layer, row-major [heads, tokens, headDim] (RoPE already applied, as the graph caches them)
 * @param values  per layer, row-major [heads, tokens, headDim]
 */
public record KvSnapshot(int layers, int heads, int tokens, int headDim, float[][] keys, float[][] values) {

    /** Bytes the same cache takes as fp32. */
    public long fp32Bytes() {
        return 2L * layers * heads * tokens * headDim * Float.BYTES;
    }
}
