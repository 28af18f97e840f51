package io.neuropipe.decoder.spec;

import io.neuropipe.runtime.model.ModelCard;

/** The sizes of a decoder graph that its KV cache and staging buffers are laid out by, read from its card. */
record DecoderShape(int layers, int heads, int headDim, int vocab, int hidden) {

    static DecoderShape of(ModelCard card) {
        return new DecoderShape((int) card.preprocessingNumber("num_layers", 0), (int) card.preprocessingNumber("num_heads", 0),
            (int) card.preprocessingNumber("head_dim", 0), (int) card.preprocessingNumber("vocab_size", 0),
            (int) card.preprocessingNumber("hidden_size", 0));
    }

    /** {@code past_key_values.*} role of cache tensor i: layer i / 2, key (even i) or value (odd i). */
    String pastRole(int i) {
        return "past_key_values." + suffix(i);
    }

    /** {@code present.*} role of cache tensor i. */
    String presentRole(int i) {
        return "present." + suffix(i);
    }

    private static String suffix(int i) {
        return i / 2 + (i % 2 == 0 ? ".key" : ".value");
    }
}
