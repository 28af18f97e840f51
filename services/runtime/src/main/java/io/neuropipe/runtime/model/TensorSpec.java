package io.neuropipe.runtime.model;

import java.util.List;

import io.neuropipe.proto.v1.DataType;

/**
 * One input or output of a model as its card declares it.
 *
 * @param name  the graph's own tensor name
 * @param role  the stable name a service looks the tensor up by
 * @param dtype element type
 * @param shape dimensions; -1 marks a dynamic dimension
 */
public record TensorSpec(String name, String role, DataType dtype, List<Long> shape) {

    public TensorSpec {
        shape = List.copyOf(shape);
        role = role == null || role.isBlank() ? name : role;
    }

    /** Whether {@code dims} fits this spec: same rank, equal wherever the spec is not dynamic. */
    public boolean accepts(long[] dims) {
        if (dims.length != shape.size()) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            long want = shape.get(i);
            if (want >= 0 && want != dims[i]) {
                return false;
            }
        }
        return true;
    }

    /** The spec of one example: the shape without its leading batch dimension. */
    public List<Long> exampleShape() {
        return shape.isEmpty() ? shape : shape.subList(1, shape.size());
    }

    public String describeShape() {
        return shape.toString().replace("-1", "?");
    }
}
