package io.neuropipe.runtime.model;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import ai.onnxruntime.OnnxTensor;
import io.neuropipe.proto.v1.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a freshly loaded model once so the first request does not pay for ORT's lazy
 * initialisation: on its fixture when it has one, else on zeros with every dynamic dimension = 1.
 */
final class ModelWarmUp {

    private static final Logger log = LoggerFactory.getLogger(ModelWarmUp.class);

    void run(OnnxModel model) {
        ModelCard card = model.card();
        Optional<ModelFixture> fixture = ModelFixture.find(model.directory());
        try (InferenceScope scope = model.scope()) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            for (TensorSpec spec : card.inputs()) {
                inputs.put(spec.role(), fixture.map(f -> f.inputs().get(spec.name()))
                    .map(t -> tensor(scope, t.dtype(), t.shape(), t.floats(), t.longs()))
                    .orElseGet(() -> zeros(scope, spec)));
            }
            scope.run(model, inputs);
        } catch (RuntimeException e) {
            log.warn("Warm-up of {} failed (the model still serves): {}", card.id(), e.getMessage());
        }
    }

    private OnnxTensor zeros(InferenceScope scope, TensorSpec spec) {
        long[] shape = spec.shape().stream().mapToLong(d -> d < 0 ? 1 : d).toArray();
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        return tensor(scope, spec.dtype(), shape, new float[n], new long[n]);
    }

    static OnnxTensor tensor(InferenceScope scope, DataType dtype, long[] shape, float[] floats, long[] longs) {
        return switch (dtype) {
            case FP32 -> scope.floats(floats, shape);
            case INT64 -> scope.longs(longs, shape);
            default -> throw new ModelContractException("Warm-up and fixtures support FP32 and INT64 inputs, not " + dtype);
        };
    }
}
