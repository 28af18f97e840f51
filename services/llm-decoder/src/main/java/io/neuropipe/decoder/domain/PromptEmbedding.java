package io.neuropipe.decoder.domain;

/**
 * A request's whole prefill input: prefix embeddings followed by the prompt tokens' embeddings, with their position ids.
 *
 * @param prefix    the prefix it starts with
 * @param promptIds prompt token ids that follow the prefix
 * @param embeds    row-major [length, hidden]
 * @param positions position id of each row
 * @param length    rows (prefix length + prompt length)
 * @param hidden    embedding width
 */
public record PromptEmbedding(Prefix prefix, long[] promptIds, float[] embeds, long[] positions, int length, int hidden) {
}
