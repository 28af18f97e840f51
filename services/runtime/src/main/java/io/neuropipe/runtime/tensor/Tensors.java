package io.neuropipe.runtime.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Conversions between the wire {@link Tensor} and primitive arrays / buffers. Bulk buffer copies
 * only: no per-element boxing.
 */
public final class Tensors {

    /** Upper bound on elements of one tensor, so a forged shape cannot make us allocate gigabytes. */
    public static final long MAX_ELEMENTS = 64L * 1024 * 1024;

    private Tensors() {
    }

    public static Tensor ofFloats(float[] data, long... shape) {
        checkCount(data.length, shape);
        ByteBuffer bytes = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        return build(DataType.FP32, shape, bytes);
    }

    public static Tensor ofFloats(FloatBuffer data, long... shape) {
        FloatBuffer src = data.duplicate();
        checkCount(src.remaining(), shape);
        ByteBuffer bytes = ByteBuffer.allocate(src.remaining() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(src);
        return build(DataType.FP32, shape, bytes);
    }

    public static Tensor ofLongs(long[] data, long... shape) {
        checkCount(data.length, shape);
        ByteBuffer bytes = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(data);
        return build(DataType.INT64, shape, bytes);
    }

    private static Tensor build(DataType type, long[] shape, ByteBuffer bytes) {
        Tensor.Builder b = Tensor.newBuilder().setDtype(type).setRawData(UnsafeByteOperations.unsafeWrap(bytes.array()));
        for (long d : shape) {
            b.addShape(d);
        }
        return b.build();
    }

    /** Validated shape of a wire tensor. */
    public static long[] shape(Tensor t) {
        long[] shape = new long[t.getShapeCount()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.getShape(i);
        }
        elementCount(shape);
        return shape;
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new InvalidInputException("Tensor dimension " + d + " is negative in shape " + Arrays.toString(shape));
            }
            // n <= MAX_ELEMENTS here, so the product overflows only when d alone is out of range
            n = d > MAX_ELEMENTS ? Long.MAX_VALUE : n * d;
            if (n > MAX_ELEMENTS) {
                throw new InvalidInputException("Tensor of shape " + Arrays.toString(shape) + " exceeds " + MAX_ELEMENTS + " elements");
            }
        }
        return n;
    }

    /** FP32 data of a wire tensor, checked for length; a little-endian view, no copy. */
    public static FloatBuffer floatView(Tensor t) {
        requireType(t, DataType.FP32);
        long n = elementCount(shape(t));
        ByteString raw = t.getRawData();
        if (raw.size() != n * Float.BYTES) {
            throw new InvalidInputException("FP32 tensor of shape " + t.getShapeList() + " needs " + n * Float.BYTES
                + " bytes but carries " + raw.size());
        }
        return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    public static float[] toFloats(Tensor t) {
        FloatBuffer view = floatView(t);
        float[] out = new float[view.remaining()];
        view.get(out);
        return out;
    }

    public static long[] toLongs(Tensor t) {
        requireType(t, DataType.INT64);
        long n = elementCount(shape(t));
        ByteString raw = t.getRawData();
        if (raw.size() != n * Long.BYTES) {
            throw new InvalidInputException("INT64 tensor of shape " + t.getShapeList() + " needs " + n * Long.BYTES
                + " bytes but carries " + raw.size());
        }
        LongBuffer view = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        long[] out = new long[view.remaining()];
        view.get(out);
        return out;
    }

    /** Rejects NaN and infinities, naming the artifact. */
    public static void requireFinite(float[] data, String what) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new InvalidInputException(what + " contains a non-finite value (" + data[i] + ") at flat index " + i);
            }
        }
    }

    private static void requireType(Tensor t, DataType type) {
        if (t.getDtype() != type) {
            throw new InvalidInputException("Expected a " + type + " tensor but got " + t.getDtype());
        }
    }

    private static void checkCount(int actual, long[] shape) {
        long n = elementCount(shape);
        if (n != actual) {
            throw new IllegalArgumentException(actual + " elements do not fill shape " + Arrays.toString(shape));
        }
    }
}
