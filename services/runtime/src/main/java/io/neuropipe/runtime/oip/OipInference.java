package io.neuropipe.runtime.oip;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.TensorInfo;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.runtime.model.InferenceException;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;
import io.neuropipe.runtime.model.TensorSpec;

/**
 * Runs one OIP v2 inference on a model: inputs and outputs by the graph's tensor names, checked
 * against the model card (every input present, dtype and shape accepted) before the run.
 */
final class OipInference {

    /** The answer: the model's name and version, the request id and the outputs asked for. */
    record InferResponse(String model_name, String model_version, String id, List<OipTensor> outputs) {
    }

    private OipInference() {
    }

    static InferResponse infer(OnnxModel model, OipRequests.InferRequest request) {
        ModelCard card = model.card();
        Map<String, TensorSpec> inputs = card.inputs().stream().collect(Collectors.toMap(TensorSpec::name, t -> t));
        Map<String, TensorSpec> outputs = card.outputs().stream().collect(Collectors.toMap(TensorSpec::name, t -> t));
        Set<String> given = new LinkedHashSet<>();
        for (OipTensor t : request.inputs()) {
            TensorSpec spec = inputs.get(t.name());
            if (spec == null) {
                throw OipException.badRequest("Model " + card.id() + " has no input '" + t.name() + "'; its inputs are "
                    + inputs.keySet());
            }
            if (!given.add(t.name())) {
                throw OipException.badRequest("Input '" + t.name() + "' is given twice");
            }
            if (!spec.dtype().name().equals(t.datatype())) {
                throw OipException.badRequest("Input '" + t.name() + "' of " + card.id() + " is " + spec.dtype()
                    + ", not " + t.datatype());
            }
            if (!spec.accepts(t.dims())) {
                throw OipException.badRequest("Input '" + t.name() + "' of " + card.id() + " has shape "
                    + spec.describeShape() + ", not " + t.shape());
            }
        }
        if (!given.containsAll(inputs.keySet())) {
            List<String> missing = new ArrayList<>(inputs.keySet());
            missing.removeAll(given);
            throw OipException.badRequest("Model " + card.id() + " needs the inputs " + missing);
        }
        for (String name : request.outputs()) {
            if (!outputs.containsKey(name)) {
                throw OipException.badRequest("Model " + card.id() + " has no output '" + name + "'; its outputs are "
                    + outputs.keySet());
            }
        }
        List<TensorSpec> wanted = request.outputs().isEmpty() ? card.outputs()
            : request.outputs().stream().map(outputs::get).toList();
        try (InferenceScope scope = model.scope()) {
            Map<String, OnnxTensor> byRole = new HashMap<>();
            for (OipTensor t : request.inputs()) {
                TensorSpec spec = inputs.get(t.name());
                byRole.put(spec.role(), t.data() instanceof float[] f ? scope.floats(f, t.dims())
                    : scope.longs((long[]) t.data(), t.dims()));
            }
            Outputs out = scope.run(model, byRole, wanted.stream().map(TensorSpec::role)
                .collect(Collectors.toCollection(LinkedHashSet::new)));
            List<OipTensor> tensors = new ArrayList<>();
            for (TensorSpec spec : wanted) {
                tensors.add(read(spec, out.tensor(spec.role())));
            }
            return new InferResponse(card.name(), Integer.toString(card.version()), request.id(), tensors);
        } catch (InferenceException e) {
            throw OipException.badRequest(e.getMessage());
        }
    }

    private static OipTensor read(TensorSpec spec, OnnxTensor tensor) {
        TensorInfo info = tensor.getInfo();
        List<Long> shape = Arrays.stream(info.getShape()).boxed().toList();
        if (spec.dtype() == DataType.INT64) {
            LongBuffer b = tensor.getLongBuffer();
            long[] v = new long[b.remaining()];
            b.get(v);
            return new OipTensor(spec.name(), "INT64", shape, v);
        }
        if (spec.dtype() != DataType.FP32) {
            throw new OipException(400, "Output '" + spec.name() + "' is " + spec.dtype() + "; OIP here serves FP32 and INT64");
        }
        FloatBuffer b = tensor.getFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        return new OipTensor(spec.name(), "FP32", shape, v);
    }
}
