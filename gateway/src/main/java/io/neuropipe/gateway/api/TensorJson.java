package io.neuropipe.gateway.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.google.protobuf.ByteString;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.Tensors;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.Tensor;
import tools.jackson.databind.JsonNode;

/**
 * Tensors as JSON in the Open Inference Protocol v2 style: {@code {"datatype":"FP32","shape":[2,3],
 * "data":[...]}}, data row-major (flat, or nested to the shape's depth).
 */
final class TensorJson {

    /** A tensor for a JSON response. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record View(String datatype, List<Long> shape, Object data) {
    }

    private TensorJson() {
    }

    static Tensor parse(JsonNode node, String field, long maxBytes) {
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(field, "Must be a tensor object {\"datatype\", \"shape\", \"data\"}");
        }
        DataType type = datatype(node.get("datatype"), field + ".datatype");
        List<Long> shape = shape(node.get("shape"), field + ".shape");
        long count = Tensors.elementCount(shape);
        // divide rather than multiply: count * size overflows for shapes like [2^63 - 1] (found by InputParsingFuzzTest)
        if (count < 0 || count > maxBytes / Math.max(1, Tensors.elementSize(type))) {
            throw new InvalidInputException(field + ".shape", "Tensor shape " + shape + " exceeds the limit of "
                + maxBytes + " bytes");
        }
        JsonNode data = node.get("data");
        if (data == null || !data.isArray()) {
            throw new InvalidInputException(field + ".data", "Must be an array of " + count + " elements");
        }
        List<JsonNode> flat = new ArrayList<>((int) count);
        flatten(data, flat, count, field + ".data");
        if (flat.size() != count) {
            throw new InvalidInputException(field + ".data", "Has " + flat.size() + " elements but shape " + shape
                + " needs " + count);
        }
        Tensor.Builder t = Tensor.newBuilder().setDtype(type).addAllShape(shape);
        if (type == DataType.BYTES) {
            for (int i = 0; i < flat.size(); i++) {
                JsonNode e = flat.get(i);
                if (!e.isString()) {
                    throw new InvalidInputException(field + ".data[" + i + "]", "Must be a string");
                }
                t.addStringData(ByteString.copyFromUtf8(e.stringValue()));
            }
            return t.build();
        }
        ByteBuffer raw = ByteBuffer.allocate((int) count * Tensors.elementSize(type)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < flat.size(); i++) {
            put(raw, type, flat.get(i), field + ".data[" + i + "]");
        }
        return t.setRawData(ByteString.copyFrom(raw.array())).build();
    }

    private static DataType datatype(JsonNode node, String field) {
        if (node == null || !node.isString()) {
            throw new InvalidInputException(field, "Must be one of FP32, INT64, INT32, UINT8, BOOL, BYTES");
        }
        return switch (node.stringValue()) {
            case "FP32" -> DataType.FP32;
            case "INT64" -> DataType.INT64;
            case "INT32" -> DataType.INT32;
            case "UINT8" -> DataType.UINT8;
            case "BOOL" -> DataType.BOOL;
            case "BYTES" -> DataType.BYTES;
            default -> throw new InvalidInputException(field, "Unsupported datatype '" + node.stringValue()
                + "'; use one of FP32, INT64, INT32, UINT8, BOOL, BYTES");
        };
    }

    private static List<Long> shape(JsonNode node, String field) {
        if (node == null || !node.isArray()) {
            throw new InvalidInputException(field, "Must be an array of non-negative integers");
        }
        List<Long> shape = new ArrayList<>();
        for (JsonNode d : node.values()) {
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new InvalidInputException(field, "Must be an array of non-negative integers");
            }
            shape.add(d.longValue());
        }
        return shape;
    }

    private static void flatten(JsonNode node, List<JsonNode> out, long limit, String field) {
        for (JsonNode e : node.values()) {
            if (e.isArray()) {
                flatten(e, out, limit, field);
            } else {
                out.add(e);
            }
            if (out.size() > limit) {
                throw new InvalidInputException(field, "Has more elements than the shape allows (" + limit + ")");
            }
        }
    }

    private static void put(ByteBuffer raw, DataType type, JsonNode e, String field) {
        switch (type) {
            case FP32 -> raw.putFloat(finiteFloat(e, field));
            case INT64 -> raw.putLong(integral(e, Long.MIN_VALUE, Long.MAX_VALUE, field));
            case INT32 -> raw.putInt((int) integral(e, Integer.MIN_VALUE, Integer.MAX_VALUE, field));
            case UINT8 -> raw.put((byte) integral(e, 0, 255, field));
            case BOOL -> raw.put(bool(e, field));
            default -> throw new InvalidInputException(field, "Unsupported datatype " + type);
        }
    }

    private static float finiteFloat(JsonNode e, String field) {
        float v = Float.NaN;
        if (e.isNumber()) {
            try {
                v = (float) e.doubleValue();
            } catch (RuntimeException outOfRange) {
                v = Float.NaN;
            }
        }
        if (!Float.isFinite(v)) {
            throw new InvalidInputException(field, "Must be a finite 32-bit float");
        }
        return v;
    }

    private static long integral(JsonNode e, long min, long max, String field) {
        if (!e.isIntegralNumber() || !e.canConvertToLong() || e.longValue() < min || e.longValue() > max) {
            throw new InvalidInputException(field, "Must be an integer in [" + min + ", " + max + "]");
        }
        return e.longValue();
    }

    private static byte bool(JsonNode e, String field) {
        if (e.isBoolean()) {
            return (byte) (e.booleanValue() ? 1 : 0);
        }
        if (e.isIntegralNumber() && e.canConvertToLong() && (e.longValue() == 0 || e.longValue() == 1)) {
            return (byte) e.longValue();
        }
        throw new InvalidInputException(field, "Must be true or false");
    }

    static View view(Tensor t) {
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) Math.max(0, Tensors.elementCount(t.getShapeList()));
        Object data = switch (t.getDtype()) {
            case FP32 -> {
                float[] v = new float[Math.min(n, raw.remaining() / 4)];
                raw.asFloatBuffer().get(v);
                yield v;
            }
            case FP16 -> {
                float[] v = new float[Math.min(n, raw.remaining() / 2)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = halfToFloat(raw.getShort());
                }
                yield v;
            }
            case INT64 -> {
                long[] v = new long[Math.min(n, raw.remaining() / 8)];
                raw.asLongBuffer().get(v);
                yield v;
            }
            case INT32 -> {
                int[] v = new int[Math.min(n, raw.remaining() / 4)];
                raw.asIntBuffer().get(v);
                yield v;
            }
            case UINT8 -> {
                int[] v = new int[Math.min(n, raw.remaining())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = raw.get() & 0xFF;
                }
                yield v;
            }
            case BOOL -> {
                boolean[] v = new boolean[Math.min(n, raw.remaining())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = raw.get() != 0;
                }
                yield v;
            }
            case BYTES -> t.getStringDataList().stream().map(b -> b.toString(StandardCharsets.UTF_8)).toList();
            default -> null;
        };
        return new View(t.getDtype().name(), t.getShapeList(), data);
    }

    /** IEEE-754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
