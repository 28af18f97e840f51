package io.neuropipe.decoder.kv;

/**
 * ZipCache's key quantization: channel-wise min-max across tokens (keys have outlier channels, so each channel gets its own
 * range), salient and regular tokens quantized as separate groups.
 */
public final class KeyQuantizer {

    private KeyQuantizer() {
    }

    /** Quantizes a row-major [tokens, channels] matrix read from {@code data} at {@code offset}. */
    static QuantizedKeys quantize(float[] data, int offset, int tokens, int channels, boolean[] salient, int highBits, int lowBits) {
        PackedCodes.requireBits(highBits);
        PackedCodes.requireBits(lowBits);
        float[] highMin = new float[channels];
        float[] highMax = new float[channels];
        float[] lowMin = new float[channels];
        float[] lowMax = new float[channels];
        java.util.Arrays.fill(highMin, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(lowMin, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(highMax, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(lowMax, Float.NEGATIVE_INFINITY);
        int highTokens = 0;
        for (int t = 0; t < tokens; t++) {
            float[] min = salient[t] ? highMin : lowMin;
            float[] max = salient[t] ? highMax : lowMax;
            highTokens += salient[t] ? 1 : 0;
            for (int c = 0; c < channels; c++) {
                float x = data[offset + t * channels + c];
                min[c] = Math.min(min[c], x);
                max[c] = Math.max(max[c], x);
            }
        }
        float[] highStep = steps(highMin, highMax, highBits);
        float[] lowStep = steps(lowMin, lowMax, lowBits);
        int[] highCodes = new int[highTokens * channels];
        int[] lowCodes = new int[(tokens - highTokens) * channels];
        int hi = 0;
        int lo = 0;
        for (int t = 0; t < tokens; t++) {
            for (int c = 0; c < channels; c++) {
                float x = data[offset + t * channels + c];
                if (salient[t]) {
                    highCodes[hi++] = UniformCode.encode(x, highMin[c], highStep[c], highBits);
                } else {
                    lowCodes[lo++] = UniformCode.encode(x, lowMin[c], lowStep[c], lowBits);
                }
            }
        }
        return new QuantizedKeys(tokens, channels, salient, highBits, lowBits, highMin, highStep, lowMin, lowStep,
            PackedCodes.pack(highCodes, hi, highBits), PackedCodes.pack(lowCodes, lo, lowBits));
    }

    /** Writes the first {@code tokens} dequantized rows into {@code out} at {@code offset}. */
    static void dequantize(QuantizedKeys q, int tokens, float[] out, int offset) {
        int hi = 0;
        int lo = 0;
        int channels = q.channels();
        for (int t = 0; t < tokens; t++) {
            for (int c = 0; c < channels; c++) {
                out[offset + t * channels + c] = q.salient()[t]
                    ? UniformCode.decode(PackedCodes.get(q.highCodes(), hi++, q.highBits()), q.highMin()[c], q.highStep()[c])
                    : UniformCode.decode(PackedCodes.get(q.lowCodes(), lo++, q.lowBits()), q.lowMin()[c], q.lowStep()[c]);
            }
        }
    }

    private static float[] steps(float[] min, float[] max, int bits) {
        float[] step = new float[min.length];
        for (int c = 0; c < min.length; c++) {
            if (min[c] == Float.POSITIVE_INFINITY) {
                min[c] = 0f;
            } else {
                step[c] = UniformCode.step(min[c], max[c], bits);
            }
        }
        return step;
    }
}
