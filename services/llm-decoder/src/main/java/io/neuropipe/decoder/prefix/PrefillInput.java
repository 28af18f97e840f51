package io.neuropipe.decoder.prefix;

/**
 * The sequence a prefill runs over: prefix embeddings followed by the prompt's.
 *
 * @param embeds       row-major [length, hidden] input embeddings
 * @param positions    position id of each row (pruned vision tokens keep their original grid index)
 * @param length       rows
 * @param prefixLength leading rows that are prefix (vision tokens), the rest are prompt tokens
 */
public record PrefillInput(float[] embeds, long[] positions, int length, int prefixLength) {

    /** The rows {@code rows} (ascending) of the prefix followed by every prompt row. */
    public PrefillInput keepPrefixRows(int[] rows, int hidden) {
        int prompt = length - prefixLength;
        int kept = rows.length + prompt;
        float[] e = new float[kept * hidden];
        long[] p = new long[kept];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(embeds, rows[i] * hidden, e, i * hidden, hidden);
            p[i] = positions[rows[i]];
        }
        System.arraycopy(embeds, prefixLength * hidden, e, rows.length * hidden, prompt * hidden);
        System.arraycopy(positions, prefixLength, p, rows.length, prompt);
        return new PrefillInput(e, p, kept, rows.length);
    }
}
