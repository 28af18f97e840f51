package io.neuropipe.decoder.kv;

/**
 * ZipCache's channel-separable token-wise value quantization: channel j is divided by c_j = sqrt(max_t |v[t, j]|), which
 * evens out the channel magnitudes, then each token row gets its own min-max range; x = (q * step + min) * c_j on the way back.
 */
public final class ValueQuantizer {

    private ValueQuantizer() {
    }

    static QuantizedValues quantize(float[] data, int offset, int tokens, int channels, boolean[] salient, int highBits, int lowBits) {
        PackedCodes.requireBits(highBits);
        PackedCodes.requireBits(lowBits);
        float[] scale = new float[channels];
        for (int t = 0; t < tokens; t++) {
            for (int c = 0; c < channels; c++) {
                scale[c] = Math.max(scale[c], Math.abs(data[offset + t * channels + c]));
            }
        }
        for (int c = 0; c < channels; c++) {
            scale[c] = scale[c] == 0f ? 1f : (float) Math.sqrt(scale[c]);
        }
        float[] tokenMin = new float[tokens];
        float[] tokenStep = new float[tokens];
        int highTokens = 0;
        for (boolean s : salient) {
            highTokens += s ? 1 : 0;
        }
        int[] highCodes = new int[highTokens * channels];
        int[] lowCodes = new int[(tokens - highTokens) * channels];
        int hi = 0;
        int lo = 0;
        float[] row = new float[channels];
        for (int t = 0; t < tokens; t++) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < channels; c++) {
                row[c] = data[offset + t * channels + c] / scale[c];
                min = Math.min(min, row[c]);
                max = Math.max(max, row[c]);
            }
            int bits = salient[t] ? highBits : lowBits;
            float step = UniformCode.step(min, max, bits);
            tokenMin[t] = min;
            tokenStep[t] = step;
            for (int c = 0; c < channels; c++) {
                int code = UniformCode.encode(row[c], min, step, bits);
                if (salient[t]) {
                    highCodes[hi++] = code;
                } else {
                    lowCodes[lo++] = code;
                }
            }
        }
        return new QuantizedValues(tokens, channels, salient, highBits, lowBits, scale, tokenMin, tokenStep,
            PackedCodes.pack(highCodes, hi, highBits), PackedCodes.pack(lowCodes, lo, lowBits));
    }

    static void dequantize(QuantizedValues q, int tokens, float[] out, int offset) {
        int hi = 0;
        int lo = 0;
        int channels = q.channels();
        for (int t = 0; t < tokens; t++) {
            for (int c = 0; c < channels; c++) {
                int code = q.salient()[t] ? PackedCodes.get(q.highCodes(), hi++, q.highBits())
                    : PackedCodes.get(q.lowCodes(), lo++, q.lowBits());
                out[offset + t * channels + c] = UniformCode.decode(code, q.tokenMin()[t], q.tokenStep()[t]) * q.channelScale()[c];
            }
        }
    }
}
