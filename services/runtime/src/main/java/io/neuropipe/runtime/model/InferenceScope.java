package io.neuropipe.runtime.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Owns every ONNX tensor and result created for one request and closes them together
 * (DJL's Predictor idea). Input tensors are backed by direct buffers, so ORT reads them without a copy.
 */
public final class InferenceScope implements AutoCloseable {

    private final OrtEnvironment env;
    private final List<AutoCloseable> owned = new ArrayList<>();

    InferenceScope(OrtEnvironment env) {
        this.env = env;
    }

    public OnnxTensor floats(float[] data, long... shape) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(data.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(data).flip();
        return floats(buffer, shape);
    }

    /** Wraps a buffer; a direct, native-order buffer is used without copying. */
    public OnnxTensor floats(FloatBuffer data, long... shape) {
        try {
            return own(OnnxTensor.createTensor(env, data, shape));
        } catch (OrtException e) {
            throw new InferenceException("Cannot create a float tensor of shape " + java.util.Arrays.toString(shape), e);
        }
    }

    public OnnxTensor longs(long[] data, long... shape) {
        LongBuffer buffer = ByteBuffer.allocateDirect(data.length * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        buffer.put(data).flip();
        return longs(buffer, shape);
    }

    /** Wraps a buffer; a direct, native-order buffer is used without copying. */
    public OnnxTensor longs(LongBuffer buffer, long... shape) {
        try {
            return own(OnnxTensor.createTensor(env, buffer, shape));
        } catch (OrtException e) {
            throw new InferenceException("Cannot create a long tensor of shape " + java.util.Arrays.toString(shape), e);
        }
    }

    /** Runs {@code model} on inputs keyed by role and returns every output, keyed by role. */
    public Outputs run(OnnxModel model, Map<String, OnnxTensor> inputsByRole) {
        return run(model, inputsByRole, Set.of());
    }

    /** Runs {@code model} computing only the requested output roles (all when empty). */
    public Outputs run(OnnxModel model, Map<String, OnnxTensor> inputsByRole, Set<String> outputRoles) {
        return run(model, inputsByRole, outputRoles, Map.of());
    }

    /**
     * Runs {@code model} computing {@code outputRoles} and writing the outputs in {@code pinnedByRole} into those
     * caller-owned tensors (e.g. views over a reused direct buffer), so ORT allocates and copies nothing for them.
     */
    public Outputs run(OnnxModel model, Map<String, OnnxTensor> inputsByRole, Set<String> outputRoles,
                       Map<String, OnnxTensor> pinnedByRole) {
        try {
            OrtSession.Result result = model.run(inputsByRole, outputRoles, pinnedByRole);
            owned.add(result);
            return new Outputs(model.card(), result);
        } catch (OrtException e) {
            throw new InferenceException("Inference of " + model.card().id() + " failed: " + e.getMessage(), e);
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    /** Closes one tensor early (e.g. a superseded KV cache) instead of at the end of the scope. */
    public void release(OnnxTensor tensor) {
        if (owned.remove(tensor)) {
            tensor.close();
        }
    }

    /** Closes one run's outputs early (e.g. a superseded KV cache) instead of at the end of the scope. */
    public void release(Outputs outputs) {
        if (owned.remove(outputs.result())) {
            outputs.result().close();
        }
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception ignored) {
                // closing native memory does not fail in a way the caller could act on
            }
        }
        owned.clear();
    }
}
