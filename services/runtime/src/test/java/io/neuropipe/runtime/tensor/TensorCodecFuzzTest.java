package io.neuropipe.runtime.tensor;

import java.util.Arrays;
import java.util.Random;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property: arbitrary bytes decoded as a protobuf {@code Tensor} and then read with
 * {@link Tensors} fail only with {@link InvalidProtocolBufferException} (not a tensor) or
 * {@link InvalidInputException} (a tensor that does not hold what it claims) — never another
 * exception or an allocation sized by a hostile shape. Replay a failure with {@code -Dfuzz.seed}.
 */
@Timeout(60)
class TensorCodecFuzzTest {

    private static final int CASES = Integer.getInteger("fuzz.cases", 5000);
    private static final long[] DIMS = {0, 1, 2, 3, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, 1 << 20};

    @Test
    void arbitraryBytesFailOnlyWithTheDocumentedExceptions() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random r = new Random(seed);
        byte[] valid = Tensors.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).toByteArray();
        for (int i = 0; i < CASES; i++) {
            byte[] input = r.nextBoolean() ? randomBytes(r) : mutated(r, valid);
            try {
                read(Tensor.parseFrom(input));
            } catch (InvalidProtocolBufferException | InvalidInputException expected) {
                // documented failures
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " of seed " + seed + " threw " + t, t);
            }
        }
    }

    @Test
    void wellFormedTensorsWithHostileShapesAndTypesFailOnlyWithInvalidInput() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random r = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            Tensor.Builder t = Tensor.newBuilder().setDtype(DataType.forNumber(r.nextInt(DataType.values().length - 1)));
            for (int d = r.nextInt(5); d > 0; d--) {
                t.addShape(DIMS[r.nextInt(DIMS.length)]);
            }
            byte[] raw = new byte[r.nextInt(64)];
            r.nextBytes(raw);
            try {
                read(t.setRawData(ByteString.copyFrom(raw)).build());
            } catch (InvalidInputException expected) {
                // documented failure
            } catch (Throwable e) {
                throw new AssertionError("case " + i + " of seed " + seed + " (" + t + ") threw " + e, e);
            }
        }
    }

    private static void read(Tensor t) {
        Tensors.shape(t);
        if (t.getDtype() == DataType.INT64) {
            Tensors.toLongs(t);
        } else {
            Tensors.requireFinite(Tensors.toFloats(t), "t");
        }
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(200)];
        r.nextBytes(b);
        return b;
    }

    private static byte[] mutated(Random r, byte[] valid) {
        byte[] b = r.nextBoolean() ? valid.clone() : Arrays.copyOf(valid, r.nextInt(valid.length + 1));
        for (int n = r.nextInt(4); n > 0 && b.length > 0; n--) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
    }
}
