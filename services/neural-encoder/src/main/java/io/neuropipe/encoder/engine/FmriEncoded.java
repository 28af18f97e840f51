package io.neuropipe.encoder.engine;

/**
 * What a batched fMRI call gives one row: its embedding [E], or the failure of its subject's model
 * call (so one subject's failing adapter does not fail the other subjects' rows in the batch).
 */
record FmriEncoded(float[] embedding, RuntimeException failure) {

    static FmriEncoded of(float[] embedding) {
        return new FmriEncoded(embedding, null);
    }

    static FmriEncoded failed(RuntimeException failure) {
        return new FmriEncoded(null, failure);
    }

    float[] orThrow() {
        if (failure != null) {
            throw failure;
        }
        return embedding;
    }
}
