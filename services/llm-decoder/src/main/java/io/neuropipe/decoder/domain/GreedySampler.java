package io.neuropipe.decoder.domain;

/** The highest logit (lowest index on ties), so greedy decoding is deterministic. */
public final class GreedySampler implements Sampler {

    @Override
    public int next(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
