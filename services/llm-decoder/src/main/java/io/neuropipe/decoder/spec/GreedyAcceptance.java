package io.neuropipe.decoder.spec;

/**
 * Lossless under greedy decoding: a drafted token is accepted only if it is the base model's argmax (lowest
 * index on ties, as {@link io.neuropipe.decoder.domain.GreedySampler}).
 */
public final class GreedyAcceptance implements AcceptanceRule {

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public boolean accepts(float[] logits, int offset, int vocab, int token) {
        return argmax(logits, offset, vocab) == token;
    }

    static int argmax(float[] logits, int offset, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[offset + i] > logits[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
