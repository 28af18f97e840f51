package io.neuropipe.decoder.spec;

/** Indices of the k largest logits, best first (lower index first on ties); O(vocab * k), k is small. */
final class TopK {

    private TopK() {
    }

    static int[] of(float[] logits, int offset, int vocab, int k) {
        int[] best = new int[Math.min(k, vocab)];
        int filled = 0;
        for (int i = 0; i < vocab; i++) {
            float v = logits[offset + i];
            int at = filled;
            while (at > 0 && logits[offset + best[at - 1]] < v) {
                at--;
            }
            if (at < best.length) {
                int last = Math.min(filled, best.length - 1);
                System.arraycopy(best, at, best, at + 1, last - at);
                best[at] = i;
                filled = Math.min(filled + 1, best.length);
            }
        }
        return best;
    }
}
