package io.neuropipe.runtime.model;

import java.nio.FloatBuffer;
import java.util.Optional;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;

/** Outputs of one run, looked up by role. Valid while the {@link InferenceScope} that ran them is open. */
public final class Outputs {

    private final ModelCard card;
    private final OrtSession.Result result;

    Outputs(ModelCard card, OrtSession.Result result) {
        this.card = card;
        this.result = result;
    }

    OrtSession.Result result() {
        return result;
    }

    public OnnxTensor tensor(String role) {
        String name = card.outputName(role);
        Optional<OnnxValue> value = result.get(name);
        if (value.isEmpty() || !(value.get() instanceof OnnxTensor t)) {
            throw new ModelContractException("Model " + card.id() + " produced no tensor '" + name + "'");
        }
        return t;
    }

    /** A float output as a buffer (one bulk copy out of native memory). */
    public FloatBuffer floatBuffer(String role) {
        return tensor(role).getFloatBuffer();
    }

    public float[] floats(String role) {
        FloatBuffer buffer = floatBuffer(role);
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    public long[] shape(String role) {
        try {
            return tensor(role).getInfo().getShape();
        } catch (RuntimeException e) {
            throw new ModelContractException("Model " + card.id() + ": no shape for output " + role, e);
        }
    }

}
