package io.neuropipe.decoder.domain;

/** Picks the next token from the logits of the last position. */
public interface Sampler {

    int next(float[] logits);
}
