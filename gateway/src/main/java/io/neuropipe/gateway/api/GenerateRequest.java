package io.neuropipe.gateway.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.neuropipe.gateway.job.InvalidInputException;
import tools.jackson.databind.JsonNode;

/**
 * The body of an OIP v2 generate call (Triton's generate extension): {@code text_input} and an optional flat
 * {@code parameters} object, passed to the decoder as step parameters. {@code stop} may be a list of strings;
 * {@code stream} is ignored (the endpoint decides).
 *
 * @param textInput  the prompt
 * @param parameters decoding parameters as strings
 */
record GenerateRequest(String textInput, Map<String, String> parameters) {

    private static final Set<String> FIELDS = Set.of("text_input", "parameters", "id");

    static GenerateRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("", "The request body must be a JSON object {text_input, parameters}");
        }
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!FIELDS.contains(e.getKey())) {
                throw new InvalidInputException(e.getKey(), "Unknown field '" + e.getKey() + "'; a generate request has "
                    + "text_input and parameters");
            }
        }
        JsonNode text = body.get("text_input");
        if (text == null || !text.isString() || text.stringValue().isBlank()) {
            throw new InvalidInputException("text_input", "Must be a non-empty string: the prompt");
        }
        return new GenerateRequest(text.stringValue(), parameters(body.get("parameters")));
    }

    private static Map<String, String> parameters(JsonNode node) {
        Map<String, String> out = new HashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new InvalidInputException("parameters", "Must be an object of strings, numbers and booleans");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("stream")) {
                continue;
            }
            if (key.equals("stop") && v.isArray()) {
                out.put(key, stops(v));
            } else if (v.isString() || v.isNumber() || v.isBoolean()) {
                out.put(key, v.isString() ? v.stringValue() : v.asString());
            } else {
                throw new InvalidInputException("parameters." + key, "Must be a string, number or boolean");
            }
        }
        return out;
    }

    private static String stops(JsonNode list) {
        StringBuilder joined = new StringBuilder();
        for (JsonNode s : list) {
            if (!s.isString() || s.stringValue().isEmpty() || s.stringValue().contains("|")) {
                throw new InvalidInputException("parameters.stop", "Must be a list of non-empty strings without '|'");
            }
            joined.append(joined.isEmpty() ? "" : "|").append(s.stringValue());
        }
        return joined.toString();
    }
}
