package io.neuropipe.runtime.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's self-description ({@code model.yaml} next to {@code model.onnx}): its I/O contract,
 * checksum, provenance, pre-processing constants and evaluation numbers.
 */
public record ModelCard(
        String name,
        int version,
        boolean trained,
        String description,
        int maxBatchSize,
        String sha256,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        Map<String, Object> preprocessing,
        Map<String, Object> labels,
        Map<String, Object> provenance,
        Map<String, Object> evaluation) {

    public ModelCard {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        preprocessing = preprocessing == null ? Map.of() : Map.copyOf(preprocessing);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
        evaluation = evaluation == null ? Map.of() : Map.copyOf(evaluation);
    }

    public Optional<TensorSpec> input(String role) {
        return inputs.stream().filter(t -> t.role().equals(role)).findFirst();
    }

    public Optional<TensorSpec> output(String role) {
        return outputs.stream().filter(t -> t.role().equals(role)).findFirst();
    }

    /** Graph name of the input with this role; a load-time contract error when the card lacks it. */
    public String inputName(String role) {
        return input(role).map(TensorSpec::name).orElseThrow(() -> new ModelContractException(
            "Model " + id() + " declares no input with role '" + role + "'"));
    }

    public String outputName(String role) {
        return output(role).map(TensorSpec::name).orElseThrow(() -> new ModelContractException(
            "Model " + id() + " declares no output with role '" + role + "'"));
    }

    /** A number from the pre-processing section, or {@code fallback} when absent. */
    public double preprocessingNumber(String key, double fallback) {
        Object v = preprocessing.get(key);
        return v instanceof Number n ? n.doubleValue() : fallback;
    }

    public String id() {
        return name + "/" + version;
    }
}
