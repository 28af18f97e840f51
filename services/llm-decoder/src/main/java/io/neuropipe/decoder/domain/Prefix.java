package io.neuropipe.decoder.domain;

/**
 * Input embeddings that precede the prompt, with their position ids.
 *
 * @param embeds       row-major [length, hidden] embeddings
 * @param positions    position id of each prefix embedding (vision tokens keep their grid index)
 * @param length       number of prefix embeddings
 * @param textStart    position id of the first prompt token
 */
public record Prefix(float[] embeds, long[] positions, int length, long textStart) {

    public static Prefix none() {
        return new Prefix(new float[0], new long[0], 0, 0);
    }
}
