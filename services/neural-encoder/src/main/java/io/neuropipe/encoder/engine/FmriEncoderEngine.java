package io.neuropipe.encoder.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

import io.neuropipe.encoder.config.EncoderProperties;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;
import io.neuropipe.runtime.step.InvalidInputException;
import org.springframework.stereotype.Component;

/**
 * Runs the fMRI encoders on pooled voxel vectors [n, P]: deep = the subject's adapter graph then
 * the shared translator (MindBridge), ridge = the subject's linear baseline. One model call per
 * request for all its vectors.
 */
@Component
public class FmriEncoderEngine {

    private final ModelRepository models;
    private final EncoderProperties props;

    public FmriEncoderEngine(ModelRepository models, EncoderProperties props) {
        this.models = models;
        this.props = props;
    }

    /** Adapter then translator: the embeddings [n][E] of pooled vectors [n][P]. */
    public float[][] deep(OnnxModel adapter, float[][] pooled) {
        OnnxModel translator = models.model(props.fmriTranslatorModel());
        try (InferenceScope scope = adapter.scope()) {
            Outputs hidden = scope.run(adapter, Map.of("voxels", scope.floats(pack(pooled), pooled.length, pooled[0].length)));
            long[] shape = hidden.shape("hidden");
            Outputs out = scope.run(translator, Map.of("hidden", scope.floats(hidden.floatBuffer("hidden"), shape)));
            return unpack(out.floatBuffer("embedding"), pooled.length);
        }
    }

    /** The subject's ridge baseline model; an error naming the subject when there is none. */
    public OnnxModel ridgeModel(String subjectId) {
        String name = props.fmriRidgePrefix() + subjectId;
        if (models.versions(name).isEmpty()) {
            throw new InvalidInputException("Subject '" + subjectId + "' has no ridge model (" + name + "); use model=deep");
        }
        return models.model(name);
    }

    /** A ridge baseline: embeddings [n][E] of pooled vectors [n][P]. */
    public float[][] ridge(OnnxModel ridge, float[][] pooled) {
        try (InferenceScope scope = ridge.scope()) {
            Outputs out = scope.run(ridge, Map.of("voxels", scope.floats(pack(pooled), pooled.length, pooled[0].length)));
            return unpack(out.floatBuffer("embedding"), pooled.length);
        }
    }

    /** The input length the subject's graphs take (the pooled length P). */
    public static int pooledLength(OnnxModel model) {
        return Math.toIntExact(model.card().input("voxels").orElseThrow(() -> new IllegalStateException(
            model.card().id() + " has no input with role voxels")).shape().get(1));
    }

    private static FloatBuffer pack(float[][] rows) {
        FloatBuffer b = ByteBuffer.allocateDirect(rows.length * rows[0].length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (float[] r : rows) {
            b.put(r);
        }
        return b.flip();
    }

    private static float[][] unpack(FloatBuffer b, int n) {
        int dim = b.remaining() / n;
        float[][] out = new float[n][dim];
        for (float[] r : out) {
            b.get(r);
        }
        return out;
    }
}
