package io.neuropipe.decoder.kv;

/**
 * A whole KV cache in ZipCache form.
 *
 * @param source  dimensions of the cache it came from
 * @param salient per token: kept at the high bit width (shared by all layers and heads)
 * @param keys    [layer][head]
 * @param values  [layer][head]
 */
public record QuantizedKvCache(KvShape source, boolean[] salient, QuantizedKeys[][] keys, QuantizedValues[][] values) {

    /** Layers, heads, cached tokens and head dimension of a cache. */
    public record KvShape(int layers, int heads, int tokens, int headDim) {
    }

    /** Bytes held: codes, quantization parameters and the saliency flags (one bit per token). */
    public long bytes() {
        long bytes = (salient.length + 7) / 8;
        for (int l = 0; l < keys.length; l++) {
            for (int h = 0; h < keys[l].length; h++) {
                bytes += keys[l][h].bytes() + values[l][h].bytes();
            }
        }
        return bytes;
    }
}
