package io.neuropipe.runtime.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.neuropipe.proto.v1.DataType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Parses {@code model.yaml} files. */
public final class ModelCardReader {

    private static final ObjectMapper YAML = YAMLMapper.builder().build();

    private ModelCardReader() {
    }

    public static ModelCard read(Path yamlFile) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(yamlFile));
        } catch (IOException | RuntimeException e) {
            throw new ModelContractException("Unreadable model card " + yamlFile + ": " + e.getMessage(), e);
        }
        String where = yamlFile.toString();
        return new ModelCard(
            required(root, "name", where).asString(),
            required(root, "version", where).asInt(),
            root.path("trained").asBoolean(false),
            root.path("description").asString(""),
            root.path("max_batch_size").asInt(0),
            required(root, "sha256", where).asString(),
            tensors(required(root, "inputs", where), where),
            tensors(required(root, "outputs", where), where),
            map(root.get("preprocessing")),
            map(root.get("labels")),
            map(root.get("provenance")),
            map(root.get("evaluation")));
    }

    private static JsonNode required(JsonNode root, String field, String where) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new ModelContractException("Model card " + where + " lacks the field '" + field + "'");
        }
        return n;
    }

    private static List<TensorSpec> tensors(JsonNode list, String where) {
        List<TensorSpec> specs = new ArrayList<>();
        for (JsonNode t : list) {
            String name = required(t, "name", where).asString();
            String dtype = required(t, "dtype", where).asString().toUpperCase(Locale.ROOT);
            DataType type;
            try {
                type = DataType.valueOf(dtype);
            } catch (IllegalArgumentException e) {
                throw new ModelContractException("Model card " + where + ": tensor " + name + " has unknown dtype " + dtype);
            }
            List<Long> shape = new ArrayList<>();
            for (JsonNode d : required(t, "shape", where)) {
                shape.add(d.isNumber() ? d.asLong() : -1L);
            }
            specs.add(new TensorSpec(name, t.path("role").asString(name), type, shape));
        }
        return specs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        return YAML.convertValue(node, Map.class);
    }
}
