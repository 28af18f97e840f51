package io.neuropipe.decoder.kv;

/**
 * Values of one head quantized channel-separably token-wise: each channel divided by its scale, then each token quantized
 * with its own min-max range, salient tokens with more bits.
 *
 * @param tokens       rows in the original [tokens, channels] matrix
 * @param channels     head dimension
 * @param salient      per token: quantized with {@code highBits}
 * @param highBits     bits of a salient token's codes
 * @param lowBits      bits of a regular token's codes
 * @param channelScale per channel sqrt(max |v|) over all tokens [channels]
 * @param tokenMin     per token minimum of the scaled row [tokens]
 * @param tokenStep    per token level step of the scaled row [tokens]
 * @param highCodes    packed codes of the salient tokens, row-major in token order
 * @param lowCodes     packed codes of the regular tokens, row-major in token order
 */
record QuantizedValues(int tokens, int channels, boolean[] salient, int highBits, int lowBits, float[] channelScale,
                       float[] tokenMin, float[] tokenStep, byte[] highCodes, byte[] lowCodes) {

    long bytes() {
        return (long) Float.BYTES * (channelScale.length + tokenMin.length + tokenStep.length) + highCodes.length
            + lowCodes.length;
    }
}
