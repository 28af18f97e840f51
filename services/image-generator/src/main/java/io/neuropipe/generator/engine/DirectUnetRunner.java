package io.neuropipe.generator.engine;

import java.util.List;

/** Each request's UNet calls run on their own (no batching across requests). */
public final class DirectUnetRunner implements UnetRunner {

    private final UnetEngine engine;

    public DirectUnetRunner(UnetEngine engine) {
        this.engine = engine;
    }

    @Override
    public UnetSpec spec() {
        return engine.spec();
    }

    @Override
    public Features encode(EncoderCall call) {
        return engine.encode(List.of(call)).get(0);
    }

    @Override
    public float[] decode(DecoderCall call) {
        return engine.decode(List.of(call)).get(0);
    }
}
