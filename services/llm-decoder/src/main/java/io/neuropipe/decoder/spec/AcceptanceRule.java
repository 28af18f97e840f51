package io.neuropipe.decoder.spec;

/** Decides whether a drafted token is accepted, given the base model's logits at its parent node. */
public interface AcceptanceRule {

    String name();

    /** {@code logits[offset .. offset + vocab)} are the parent's logits (repetition penalty applied). */
    boolean accepts(float[] logits, int offset, int vocab, int token);
}
