package io.neuropipe.generator.engine;

/**
 * @param image        CHW image in [-1, 1]
 * @param encoderCalls UNet encoder passes made (each a batch of conditional + unconditional)
 * @param decoderCalls UNet decoder calls made (each covering one or, in parallel mode, several steps)
 */
public record SampleResult(float[] image, int encoderCalls, int decoderCalls) {
}
