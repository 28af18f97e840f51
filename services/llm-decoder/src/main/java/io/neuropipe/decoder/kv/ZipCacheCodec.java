package io.neuropipe.decoder.kv;

/** Quantizes a whole KV cache the ZipCache way and restores a prefix of it. */
public final class ZipCacheCodec {

    private final int highBits;
    private final int lowBits;

    public ZipCacheCodec(int highBits, int lowBits) {
        PackedCodes.requireBits(highBits);
        PackedCodes.requireBits(lowBits);
        this.highBits = highBits;
        this.lowBits = lowBits;
    }

    public QuantizedKvCache encode(KvSnapshot kv, boolean[] salient) {
        if (salient.length != kv.tokens()) {
            throw new IllegalArgumentException("saliency for " + salient.length + " tokens, cache has " + kv.tokens());
        }
        int block = kv.tokens() * kv.headDim();
        QuantizedKeys[][] keys = new QuantizedKeys[kv.layers()][kv.heads()];
        QuantizedValues[][] values = new QuantizedValues[kv.layers()][kv.heads()];
        for (int l = 0; l < kv.layers(); l++) {
            for (int h = 0; h < kv.heads(); h++) {
                keys[l][h] = KeyQuantizer.quantize(kv.keys()[l], h * block, kv.tokens(), kv.headDim(), salient, highBits, lowBits);
                values[l][h] = ValueQuantizer.quantize(kv.values()[l], h * block, kv.tokens(), kv.headDim(), salient, highBits,
                    lowBits);
            }
        }
        return new QuantizedKvCache(new QuantizedKvCache.KvShape(kv.layers(), kv.heads(), kv.tokens(), kv.headDim()), salient,
            keys, values);
    }

    /** The first {@code tokens} cached positions, dequantized to fp32. */
    public static KvSnapshot decode(QuantizedKvCache q, int tokens) {
        QuantizedKvCache.KvShape s = q.source();
        if (tokens < 0 || tokens > s.tokens()) {
            throw new IllegalArgumentException("cannot restore " + tokens + " of " + s.tokens() + " cached tokens");
        }
        float[][] keys = new float[s.layers()][s.heads() * tokens * s.headDim()];
        float[][] values = new float[s.layers()][s.heads() * tokens * s.headDim()];
        for (int l = 0; l < s.layers(); l++) {
            for (int h = 0; h < s.heads(); h++) {
                KeyQuantizer.dequantize(q.keys()[l][h], tokens, keys[l], h * tokens * s.headDim());
                ValueQuantizer.dequantize(q.values()[l][h], tokens, values[l], h * tokens * s.headDim());
            }
        }
        return new KvSnapshot(s.layers(), s.heads(), tokens, s.headDim(), keys, values);
    }
}
