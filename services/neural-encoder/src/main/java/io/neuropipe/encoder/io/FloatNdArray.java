package io.neuropipe.encoder.io;

import java.util.Arrays;

/**
 * A dense float32 array in C order (last axis fastest), as the readers return it.
 *
 * @param shape the dimensions, slowest first
 * @param data  {@code product(shape)} values in C order
 */
public record FloatNdArray(int[] shape, float[] data) {

    public FloatNdArray {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** A copy of entry {@code index} along the first axis (a row of a matrix, one trial of [trials, C, T]). */
    public float[] slice(int index) {
        if (shape.length == 0 || index < 0 || index >= shape[0]) {
            throw new IndexOutOfBoundsException("index " + index + " outside the first axis of " + Arrays.toString(shape));
        }
        int len = data.length / shape[0];
        return Arrays.copyOfRange(data, index * len, (index + 1) * len);
    }

    /** The shape as {@code [a, b, c]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatNdArray other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatNdArray" + Arrays.toString(shape);
    }
}
