package io.neuropipe.gateway.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import com.google.protobuf.ByteString;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.Tensor;
import org.junit.jupiter.api.Test;

class NpyTest {

    /** {@code np.save(f, np.array([[1, 2, 3]], dtype=np.int64))}, as NumPy 1.26 writes it. */
    private static final String NUMPY_INT64 = "934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c"
        + "20277368617065273a2028312c2033292c207d20202020202020202020202020202020202020202020202020202020202020"
        + "2020202020202020202020202020202020202020202020202020200a01000000000000000200000000000000030000000000"
        + "0000";

    @Test
    void readsWhatNumPyWritesAndWritesWhatItReads() {
        byte[] file = HexFormat.of().parseHex(NUMPY_INT64);
        Tensor t = Npy.read(file, "f", 10);
        assertThat(t.getDtype()).isEqualTo(DataType.INT64);
        assertThat(t.getShapeList()).containsExactly(1L, 3L);
        assertThat(t.getRawData().toByteArray()).hasSize(24);
        assertThat(t.getRawData().byteAt(8)).isEqualTo((byte) 2);
        byte[] written = Npy.write(t);
        assertThat(written).isEqualTo(file);
        assertThat((written.length - 24) % 64).as("header padded to 64 bytes").isZero();
    }

    @Test
    void oneDimensionalShapesKeepTheirTrailingComma() {
        Tensor t = Tensor.newBuilder().setDtype(DataType.FP32).addShape(2).setRawData(ByteString.copyFrom(new byte[8])).build();
        String header = new String(Npy.write(t), StandardCharsets.ISO_8859_1);
        assertThat(header).contains("'shape': (2,)").contains("'descr': '<f4'");
        assertThat(Npy.read(Npy.write(t), "f", 2)).isEqualTo(t);
    }

    @Test
    void rejectsWhatItCannotCarry() {
        byte[] file = HexFormat.of().parseHex(NUMPY_INT64);
        assertThatThrownBy(() -> Npy.read(file, "files.eeg", 2)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("limit of 2");
        assertThatThrownBy(() -> Npy.read("not numpy".getBytes(), "f", 10)).hasMessageContaining("not a NumPy");
        byte[] bigEndian = file.clone();
        bigEndian[21] = '>';
        assertThatThrownBy(() -> Npy.read(bigEndian, "f", 10)).hasMessageContaining("dtype '>i8'");
        byte[] truncated = java.util.Arrays.copyOf(file, file.length - 1);
        assertThatThrownBy(() -> Npy.read(truncated, "f", 10)).hasMessageContaining("data bytes");
    }
}
