package io.neuropipe.generator.engine;

/**
 * One request's encoder pass.
 *
 * @param sample    latents [rows, 3, size, size]
 * @param timesteps [rows]
 * @param condition [rows, conditionDim] (zeros = null condition)
 */
public record EncoderCall(float[] sample, float[] timesteps, float[] condition) {

    public int rows() {
        return timesteps.length;
    }
}
