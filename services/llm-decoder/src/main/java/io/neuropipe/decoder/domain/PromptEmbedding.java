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

    /** Writes the embedding of one token into {@code out} at {@code offset}. */
    @FunctionalInterface
    public interface TokenEmbedder {
        void embed(long token, float[] out, int offset);
    }

    public static PromptEmbedding of(Prefix prefix, long[] promptIds, int hidden, TokenEmbedder embedder) {
        int total = prefix.length() + promptIds.length;
        float[] embeds = new float[total * hidden];
        long[] positions = new long[total];
        System.arraycopy(prefix.embeds(), 0, embeds, 0, prefix.length() * hidden);
        System.arraycopy(prefix.positions(), 0, positions, 0, prefix.length());
        for (int i = 0; i < promptIds.length; i++) {
            embedder.embed(promptIds[i], embeds, (prefix.length() + i) * hidden);
            positions[prefix.length() + i] = prefix.textStart() + i;
        }
        return new PromptEmbedding(prefix, promptIds, embeds, positions, total, hidden);
    }
}
