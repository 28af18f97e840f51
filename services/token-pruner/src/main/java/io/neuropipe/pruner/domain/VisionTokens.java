package io.neuropipe.pruner.domain;

/**
 * Vision tokens of one image.
 *
 * @param tokens       row-major [count, dim] patch features
 * @param count        number of tokens
 * @param dim          feature size per token
 * @param positions    original grid index (row * grid + col) of each token
 * @param clsAttention CLS -> patch attention per token, averaged over heads (same order as tokens)
 * @param grid         side of the original patch grid
 */
public record VisionTokens(float[] tokens, int count, int dim, long[] positions, float[] clsAttention, int grid) {
}
