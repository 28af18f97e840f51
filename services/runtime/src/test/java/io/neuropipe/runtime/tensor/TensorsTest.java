package io.neuropipe.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;

class TensorsTest {

    @Test
    void floatsRoundTripAsLittleEndianBytes() {
        Tensor t = Tensors.ofFloats(new float[] {1f, -2.5f, 3f, 0f, 1e-3f, 7f}, 2, 3);
        assertThat(t.getDtype()).isEqualTo(DataType.FP32);
        assertThat(t.getShapeList()).containsExactly(2L, 3L);
        // 1.0f = 0x3F800000, little-endian
        assertThat(t.getRawData().substring(0, 4).toByteArray()).containsExactly(0, 0, (byte) 0x80, 0x3F);
        assertThat(Tensors.toFloats(t)).containsExactly(1f, -2.5f, 3f, 0f, 1e-3f, 7f);
    }

    @Test
    void longsRoundTrip() {
        Tensor t = Tensors.ofLongs(new long[] {5, -1, Long.MAX_VALUE}, 3);
        assertThat(Tensors.toLongs(t)).containsExactly(5, -1, Long.MAX_VALUE);
    }

    @Test
    void rejectsDataThatDoesNotFillTheShape() {
        Tensor t = Tensor.newBuilder().setDtype(DataType.FP32).addShape(2).addShape(2)
            .setRawData(ByteString.copyFrom(new byte[12])).build();
        assertThatThrownBy(() -> Tensors.toFloats(t)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("needs 16 bytes but carries 12");
    }

    @Test
    void rejectsNegativeAndHugeShapes() {
        Tensor negative = Tensor.newBuilder().setDtype(DataType.FP32).addShape(-3).build();
        assertThatThrownBy(() -> Tensors.toFloats(negative)).hasMessageContaining("negative");
        Tensor huge = Tensor.newBuilder().setDtype(DataType.FP32).addShape(1 << 20).addShape(1 << 20).build();
        assertThatThrownBy(() -> Tensors.toFloats(huge)).hasMessageContaining("exceeds");
        // found by TensorCodecFuzzTest: a product that overflows a long was an ArithmeticException
        Tensor overflowing = Tensor.newBuilder().setDtype(DataType.FP32).addShape(3).addShape(Long.MAX_VALUE)
            .addShape(Long.MAX_VALUE).build();
        assertThatThrownBy(() -> Tensors.toFloats(overflowing)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("exceeds");
    }

    @Test
    void rejectsTheWrongDtype() {
        Tensor t = Tensors.ofLongs(new long[] {1}, 1);
        assertThatThrownBy(() -> Tensors.toFloats(t)).hasMessageContaining("Expected a FP32 tensor but got INT64");
    }

    @Test
    void findsNonFiniteValues() {
        assertThatThrownBy(() -> Tensors.requireFinite(new float[] {0f, Float.NaN}, "eeg"))
            .hasMessageContaining("eeg contains a non-finite value (NaN) at flat index 1");
    }
}
