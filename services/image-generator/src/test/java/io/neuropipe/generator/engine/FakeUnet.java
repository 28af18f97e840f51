package io.neuropipe.generator.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.neuropipe.generator.domain.DdimSchedule;
import io.neuropipe.generator.domain.PropagationDefaults;

/**
 * A deterministic stand-in for the UNet halves: features = the sample, noise = a row-wise function of
 * features, timestep and condition. Counts calls and records which features each decoder call used.
 */
public final class FakeUnet implements UnetRunner {

    public static final int SIZE = 4;
    public static final int DIM = 8;

    public final List<Features> encoded = new ArrayList<>();
    public final List<Features> decodedWith = new ArrayList<>();
    public final List<Integer> decoderRows = new ArrayList<>();

    @Override
    public UnetSpec spec() {
        return new UnetSpec("fake-encoder/1", "fake-decoder/1", "aa", "bb", true, DIM, SIZE, new DdimSchedule(1000, 1e-4, 0.02),
            PropagationDefaults.PAPER);
    }

    @Override
    public synchronized Features encode(EncoderCall call) {
        FloatBuffer h = ByteBuffer.allocateDirect(call.sample().length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        h.put(call.sample()).flip();
        Features f = new Features(call.rows(), Map.of("h", h), Map.of("h", new long[] {3, SIZE, SIZE}));
        encoded.add(f);
        return f;
    }

    @Override
    public synchronized float[] decode(DecoderCall call) {
        decodedWith.add(call.features());
        decoderRows.add(call.rows());
        int perRow = 3 * SIZE * SIZE;
        FloatBuffer h = call.features().byRole().get("h");
        float[] eps = new float[call.rows() * perRow];
        for (int r = 0; r < call.rows(); r++) {
            int fr = r % call.features().rows();
            float c = 0;
            for (int k = 0; k < DIM; k++) {
                c += call.condition()[r * DIM + k];
            }
            for (int i = 0; i < perRow; i++) {
                eps[r * perRow + i] = 0.8f * h.get(fr * perRow + i) + 0.1f * (float) Math.sin(call.timesteps()[r] / 100.0 + i) + 0.05f * c;
            }
        }
        return eps;
    }
}
