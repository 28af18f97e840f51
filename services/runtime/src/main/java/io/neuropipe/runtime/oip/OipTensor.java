package io.neuropipe.runtime.oip;

import java.util.List;

/**
 * A tensor in an OIP v2 request or response: {@code name}, {@code datatype} (FP32 or INT64 here),
 * {@code shape} and row-major {@code data} ({@code float[]} or {@code long[]}).
 */
public record OipTensor(String name, String datatype, List<Long> shape, Object data) {

    public OipTensor {
        shape = List.copyOf(shape);
    }

    long[] dims() {
        return shape.stream().mapToLong(Long::longValue).toArray();
    }
}
