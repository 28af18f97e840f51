package io.neuropipe.gateway.job;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.Tensor;

/** Sizes and element checks of protobuf tensors. */
public final class Tensors {

    private Tensors() {
    }

    /** Bytes per element; 0 for BYTES (variable length) and unknown types. */
    public static int elementSize(DataType type) {
        return switch (type) {
            case FP32, INT32 -> 4;
            case INT64 -> 8;
            case FP16 -> 2;
            case UINT8, BOOL -> 1;
            default -> 0;
        };
    }

    /** Product of the dimensions; -1 when a dimension is negative or the product overflows. */
    public static long elementCount(List<Long> shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    /** Index of the first NaN or infinite element of a float tensor, or -1. */
    public static long firstNonFinite(Tensor t) {
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (t.getDtype() == DataType.FP32) {
            for (int i = 0; raw.remaining() >= 4; i++) {
                if (!Float.isFinite(raw.getFloat())) {
                    return i;
                }
            }
        } else if (t.getDtype() == DataType.FP16) {
            for (int i = 0; raw.remaining() >= 2; i++) {
                if ((raw.getShort() & 0x7C00) == 0x7C00) {
                    return i;
                }
            }
        }
        return -1;
    }
}
