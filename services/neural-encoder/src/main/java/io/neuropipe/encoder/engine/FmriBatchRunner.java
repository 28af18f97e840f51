package io.neuropipe.encoder.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;

/**
 * The batch functions of the fMRI encoders: rows of one batch are grouped by their subject's
 * model, one call per group; in the deep path every group's hidden rows then share ONE call of the
 * shared translator.
 */
final class FmriBatchRunner {

    private final Supplier<OnnxModel> translator;

    FmriBatchRunner(Supplier<OnnxModel> translator) {
        this.translator = translator;
    }

    /** Adapter per subject, then the translator once over all rows whose adapter ran. */
    List<FmriEncoded> deep(List<FmriRow> rows) {
        FmriEncoded[] out = new FmriEncoded[rows.size()];
        float[][] hidden = new float[rows.size()][];
        runGroups(rows, "voxels", "hidden", hidden, out);
        List<Integer> ready = new ArrayList<>(rows.size());
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i] != null) {
                ready.add(i);
            }
        }
        if (!ready.isEmpty()) {
            float[][] in = new float[ready.size()][];
            for (int r = 0; r < in.length; r++) {
                in[r] = hidden[ready.get(r)];
            }
            try {
                float[][] embeddings = run(translator.get(), "hidden", in, "embedding");
                for (int r = 0; r < in.length; r++) {
                    out[ready.get(r)] = FmriEncoded.of(embeddings[r]);
                }
            } catch (RuntimeException e) {
                ready.forEach(i -> out[i] = FmriEncoded.failed(e));
            }
        }
        return List.of(out);
    }

    /** Each subject's ridge baseline over its rows. */
    List<FmriEncoded> ridge(List<FmriRow> rows) {
        FmriEncoded[] out = new FmriEncoded[rows.size()];
        float[][] embeddings = new float[rows.size()][];
        runGroups(rows, "voxels", "embedding", embeddings, out);
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = FmriEncoded.of(embeddings[i]);
            }
        }
        return List.of(out);
    }

    /** One call of each row's model over its group: results into {@code results}, a group's failure into {@code failures}. */
    private static void runGroups(List<FmriRow> rows, String inRole, String outRole, float[][] results, FmriEncoded[] failures) {
        Map<OnnxModel, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            groups.computeIfAbsent(rows.get(i).model(), m -> new ArrayList<>()).add(i);
        }
        groups.forEach((model, members) -> {
            float[][] in = new float[members.size()][];
            for (int r = 0; r < in.length; r++) {
                in[r] = rows.get(members.get(r)).pooled();
            }
            try {
                float[][] rowsOut = run(model, inRole, in, outRole);
                for (int r = 0; r < in.length; r++) {
                    results[members.get(r)] = rowsOut[r];
                }
            } catch (RuntimeException e) {
                members.forEach(i -> failures[i] = FmriEncoded.failed(e));
            }
        });
    }

    /** {@code model} over rows [n][width] as one tensor [n, width]: the output rows [n][dim]. */
    static float[][] run(OnnxModel model, String inRole, float[][] rows, String outRole) {
        int width = rows[0].length;
        FloatBuffer in = ByteBuffer.allocateDirect(rows.length * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (float[] r : rows) {
            in.put(r);
        }
        in.flip();
        try (InferenceScope scope = model.scope()) {
            Outputs outputs = scope.run(model, Map.of(inRole, scope.floats(in, rows.length, width)));
            FloatBuffer b = outputs.floatBuffer(outRole);
            float[][] out = new float[rows.length][b.remaining() / rows.length];
            for (float[] r : out) {
                b.get(r);
            }
            return out;
        }
    }
}
