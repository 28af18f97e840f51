package io.neuropipe.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.Tensor;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class TensorJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Tensor parse(String json) {
        return TensorJson.parse(JSON.readTree(json), "inputs.x", 1 << 20);
    }

    private static String fieldOf(String json) {
        try {
            parse(json);
        } catch (InvalidInputException e) {
            return e.field();
        }
        throw new AssertionError("accepted " + json);
    }

    @Test
    void nestedFp32DataIsFlattenedRowMajorLittleEndian() {
        Tensor t = parse("{\"datatype\":\"FP32\",\"shape\":[2,2],\"data\":[[1.5,-2],[0.25,3]]}");
        assertThat(t.getDtype()).isEqualTo(DataType.FP32);
        assertThat(t.getShapeList()).containsExactly(2L, 2L);
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[] {b.getFloat(), b.getFloat(), b.getFloat(), b.getFloat()})
            .containsExactly(1.5f, -2f, 0.25f, 3f);
    }

    @Test
    void integerBooleanAndStringTypesAreEncoded() {
        Tensor ints = parse("{\"datatype\":\"INT64\",\"shape\":[2],\"data\":[-1, 9007199254740993]}");
        ByteBuffer b = ints.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getLong()).isEqualTo(-1L);
        assertThat(b.getLong()).isEqualTo(9007199254740993L);
        assertThat(parse("{\"datatype\":\"UINT8\",\"shape\":[2],\"data\":[0,255]}").getRawData().toByteArray())
            .containsExactly(0, 255);
        assertThat(parse("{\"datatype\":\"BOOL\",\"shape\":[3],\"data\":[true,false,1]}").getRawData().toByteArray())
            .containsExactly(1, 0, 1);
        assertThat(parse("{\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"hé\"]}").getStringData(0).toStringUtf8())
            .isEqualTo("hé");
    }

    @Test
    void badTensorsNameTheOffendingField() {
        assertThat(fieldOf("[1,2]")).isEqualTo("inputs.x");
        assertThat(fieldOf("{\"datatype\":\"FP64\",\"shape\":[1],\"data\":[1]}")).isEqualTo("inputs.x.datatype");
        assertThat(fieldOf("{\"datatype\":\"FP32\",\"shape\":[1.5],\"data\":[1]}")).isEqualTo("inputs.x.shape");
        assertThat(fieldOf("{\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,2]}")).isEqualTo("inputs.x.data");
        assertThat(fieldOf("{\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1,2]}")).isEqualTo("inputs.x.data");
        assertThat(fieldOf("{\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,1e39]}")).isEqualTo("inputs.x.data[1]");
        assertThat(fieldOf("{\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,\"2\"]}")).isEqualTo("inputs.x.data[1]");
        assertThat(fieldOf("{\"datatype\":\"UINT8\",\"shape\":[1],\"data\":[256]}")).isEqualTo("inputs.x.data[0]");
        assertThat(fieldOf("{\"datatype\":\"INT32\",\"shape\":[1],\"data\":[0.5]}")).isEqualTo("inputs.x.data[0]");
        assertThat(fieldOf("{\"datatype\":\"FP32\",\"shape\":[1024,1024],\"data\":[]}")).isEqualTo("inputs.x.shape");
    }

    @Test
    void viewsDecodeEveryNumericType() {
        Tensor t = parse("{\"datatype\":\"INT32\",\"shape\":[3],\"data\":[7,-8,9]}");
        assertThat((int[]) TensorJson.view(t).data()).containsExactly(7, -8, 9);
        assertThat(TensorJson.view(t).datatype()).isEqualTo("INT32");
        Tensor f = parse("{\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[0.5,2]}");
        assertThat((float[]) TensorJson.view(f).data()).containsExactly(0.5f, 2f);
        assertThat(TensorJson.view(f).shape()).containsExactly(1L, 2L);
    }

    @Test
    void halfPrecisionValuesConvertExactly() {
        assertThat(TensorJson.halfToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(TensorJson.halfToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(TensorJson.halfToFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(TensorJson.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(TensorJson.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(TensorJson.halfToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(TensorJson.halfToFloat((short) 0x7E00)).isNaN();
    }

    @Test
    void missingDataIsRejected() {
        assertThatThrownBy(() -> parse("{\"datatype\":\"FP32\",\"shape\":[1]}"))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("array of 1 elements");
    }
}
