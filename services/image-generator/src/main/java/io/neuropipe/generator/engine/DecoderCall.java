package io.neuropipe.generator.engine;

/**
 * One request's decoder pass over cached encoder features.
 *
 * @param features  encoder features of a key step; repeated {@code rows / features.rows} times
 *                  along the batch when several steps are decoded together (parallel mode)
 * @param timesteps [rows], each row's own timestep
 * @param condition [rows, conditionDim]
 */
public record DecoderCall(Features features, float[] timesteps, float[] condition) {

    public DecoderCall {
        if (timesteps.length % features.rows() != 0) {
            throw new IllegalArgumentException(timesteps.length + " decoder rows do not tile " + features.rows() + " feature rows");
        }
    }

    public int rows() {
        return timesteps.length;
    }
}
