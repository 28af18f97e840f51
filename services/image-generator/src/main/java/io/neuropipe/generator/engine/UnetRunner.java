package io.neuropipe.generator.engine;

/** Runs the two UNet halves for one request; implementations may batch calls across requests. */
public interface UnetRunner {

    /** The models' contract and sampling constants, as served now. */
    UnetSpec spec();

    Features encode(EncoderCall call);

    /** Predicted noise [rows, 3, size, size]. */
    float[] decode(DecoderCall call);
}
