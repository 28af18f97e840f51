package io.neuropipe.decoder.kv;

/**
 * Keys of one head quantized channel-wise, salient and regular tokens as two groups with their own bits.
 *
 * @param tokens    rows in the original [tokens, channels] matrix
 * @param channels  head dimension
 * @param salient   per token: in the high-precision group
 * @param highBits  bits of a salient token's codes
 * @param lowBits   bits of a regular token's codes
 * @param highMin   per channel minimum over the salient tokens [channels]
 * @param highStep  per channel level step over the salient tokens [channels]
 * @param lowMin    per channel minimum over the regular tokens [channels]
 * @param lowStep   per channel level step over the regular tokens [channels]
 * @param highCodes packed codes of the salient tokens, row-major in token order
 * @param lowCodes  packed codes of the regular tokens, row-major in token order
 */
record QuantizedKeys(int tokens, int channels, boolean[] salient, int highBits, int lowBits, float[] highMin, float[] highStep,
                     float[] lowMin, float[] lowStep, byte[] highCodes, byte[] lowCodes) {

    /** Bytes held, the token saliency flags excluded (they are shared by every head and layer). */
    long bytes() {
        return (long) Float.BYTES * (highMin.length + highStep.length + lowMin.length + lowStep.length) + highCodes.length
            + lowCodes.length;
    }
}
