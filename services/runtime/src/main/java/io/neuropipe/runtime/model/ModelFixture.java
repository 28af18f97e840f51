package io.neuropipe.runtime.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.neuropipe.proto.v1.DataType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model's golden fixture ({@code fixture.json}): inputs and the outputs Python's onnxruntime
 * produced for them, keyed by graph tensor name.
 */
public record ModelFixture(Map<String, FixtureTensor> inputs, Map<String, FixtureTensor> outputs) {

    static final String FILE = "fixture.json";

    /** One tensor of the fixture; integer tensors keep their values in {@code longs}, floats in {@code floats}. */
    public record FixtureTensor(DataType dtype, long[] shape, float[] floats, long[] longs) {
    }

    public static Optional<ModelFixture> find(Path modelDir) {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JsonMapper.builder().build().readTree(Files.readString(file));
            return Optional.of(new ModelFixture(tensors(root.path("inputs")), tensors(root.path("outputs"))));
        } catch (IOException | RuntimeException e) {
            throw new ModelContractException("Unreadable fixture " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, FixtureTensor> tensors(JsonNode node) {
        Map<String, FixtureTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode t = e.getValue();
            DataType dtype = DataType.valueOf(t.path("dtype").asString("FP32").toUpperCase(Locale.ROOT));
            JsonNode shapeNode = t.path("shape");
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong();
            }
            JsonNode data = t.path("data");
            int n = data.size();
            if (dtype == DataType.FP32) {
                float[] values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = (float) parseFloat(data.get(i));
                }
                out.put(e.getKey(), new FixtureTensor(dtype, shape, values, null));
            } else {
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    values[i] = data.get(i).isBoolean() ? (data.get(i).asBoolean() ? 1 : 0) : data.get(i).asLong();
                }
                out.put(e.getKey(), new FixtureTensor(dtype, shape, null, values));
            }
        }
        return out;
    }

    private static double parseFloat(JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        String s = v.asString();
        return switch (s) {
            case "-inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
            case "inf", "Infinity" -> Double.POSITIVE_INFINITY;
            case "nan", "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }
}
