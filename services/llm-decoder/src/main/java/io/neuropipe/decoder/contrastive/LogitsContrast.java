package io.neuropipe.decoder.contrastive;

import io.neuropipe.decoder.prefix.PrefillInput;

/** A second view of the sequence whose logits are combined with the full model's at every step. */
public interface LogitsContrast {

    LogitsContrast NONE = full -> Branch.IDENTITY;

    /** Starts the branch on the unpruned prefill sequence (its cost counts as prefill). */
    Branch open(PrefillInput full);

    /** One generation's side state. */
    interface Branch extends AutoCloseable {

        Branch IDENTITY = new Branch() {
            @Override
            public float[] adjust(float[] logits) {
                return logits;
            }

            @Override
            public void advance(int token, long position) {
            }

            @Override
            public void close() {
            }
        };

        /** The logits to sample from, given the full model's logits for the same position. */
        float[] adjust(float[] logits);

        /** Feeds the chosen token (at {@code position}) to the branch. */
        void advance(int token, long position);

        @Override
        void close();
    }
}
