package io.neuropipe.runtime.oip;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/** Reads the JSON of an OIP v2 inference request, naming the field at fault. */
final class OipRequests {

    /** A parsed request: its id, input tensors and the output names asked for (empty = all). */
    record InferRequest(String id, List<OipTensor> inputs, Set<String> outputs) {
    }

    private OipRequests() {
    }

    static InferRequest parse(JsonNode body, long maxElements) {
        if (body == null || !body.isObject()) {
            throw OipException.badRequest("The request must be a JSON object with an 'inputs' array");
        }
        JsonNode id = body.get("id");
        JsonNode inputs = body.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw OipException.badRequest("'inputs' must be a non-empty array of tensors");
        }
        List<OipTensor> tensors = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            tensors.add(tensor(inputs.get(i), "inputs[" + i + "]", maxElements));
        }
        Set<String> outputs = new LinkedHashSet<>();
        JsonNode wanted = body.get("outputs");
        if (wanted != null && !wanted.isNull()) {
            if (!wanted.isArray()) {
                throw OipException.badRequest("'outputs' must be an array of {\"name\": ...}");
            }
            for (JsonNode o : wanted) {
                JsonNode name = o.get("name");
                if (name == null || !name.isString()) {
                    throw OipException.badRequest("Each of 'outputs' needs a 'name'");
                }
                outputs.add(name.stringValue());
            }
        }
        return new InferRequest(id != null && id.isString() ? id.stringValue() : null, tensors, outputs);
    }

    private static OipTensor tensor(JsonNode node, String field, long maxElements) {
        if (node == null || !node.isObject()) {
            throw OipException.badRequest(field + " must be an object {name, shape, datatype, data}");
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isString() || name.stringValue().isEmpty()) {
            throw OipException.badRequest(field + ".name must be the graph's input name");
        }
        String where = "input '" + name.stringValue() + "'";
        JsonNode datatype = node.get("datatype");
        String type = datatype == null || !datatype.isString() ? "" : datatype.stringValue();
        if (!type.equals("FP32") && !type.equals("INT64")) {
            throw OipException.badRequest(where + ": datatype must be FP32 or INT64, not '" + type + "'");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw OipException.badRequest(where + ": shape must be an array of non-negative integers");
        }
        List<Long> shape = new ArrayList<>();
        long count = 1;
        for (JsonNode d : shapeNode) {
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw OipException.badRequest(where + ": shape must be an array of non-negative integers");
            }
            shape.add(d.longValue());
            count = d.longValue() == 0 ? 0 : count > maxElements / d.longValue() ? maxElements + 1 : count * d.longValue();
        }
        if (count > maxElements) {
            throw OipException.badRequest(where + ": shape " + shape + " exceeds the limit of " + maxElements + " elements");
        }
        JsonNode data = node.get("data");
        if (data == null || !data.isArray()) {
            throw OipException.badRequest(where + ": data must be an array of " + count + " numbers");
        }
        List<JsonNode> flat = new ArrayList<>();
        flatten(data, flat, count, where);
        if (flat.size() != count) {
            throw OipException.badRequest(where + ": data has " + flat.size() + " elements but shape " + shape
                + " needs " + count);
        }
        Object values = type.equals("FP32") ? floats(flat, where) : longs(flat, where);
        return new OipTensor(name.stringValue(), type, shape, values);
    }

    private static void flatten(JsonNode node, List<JsonNode> out, long limit, String where) {
        for (JsonNode e : node) {
            if (e.isArray()) {
                flatten(e, out, limit, where);
            } else {
                out.add(e);
            }
            if (out.size() > limit) {
                throw OipException.badRequest(where + ": data has more elements than its shape");
            }
        }
    }

    private static float[] floats(List<JsonNode> flat, String where) {
        float[] v = new float[flat.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode e = flat.get(i);
            if (!e.isNumber() || !Float.isFinite((float) e.doubleValue())) {
                throw OipException.badRequest(where + ": data[" + i + "] must be a finite number");
            }
            v[i] = (float) e.doubleValue();
        }
        return v;
    }

    private static long[] longs(List<JsonNode> flat, String where) {
        long[] v = new long[flat.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode e = flat.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToLong()) {
                throw OipException.badRequest(where + ": data[" + i + "] must be a 64-bit integer");
            }
            v[i] = e.longValue();
        }
        return v;
    }
}
