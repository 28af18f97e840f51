package io.neuropipe.encoder.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;

class NpyReaderTest {

    private final NpyReader reader = new NpyReader();

    @Test
    void readsTheZooTrials() {
        FloatNdArray trials = reader.read(TestFiles.sample("eeg_sub-01_trials.npy"));
        assertThat(trials.shape()).containsExactly(12, 63, 250);
        // values numpy prints for trials[0, 0, :3]
        assertThat(trials.data()[0]).isCloseTo(-0.082568f, within(1e-6f));
        assertThat(trials.data()[1]).isCloseTo(1.719682f, within(1e-6f));
        assertThat(trials.data()[2]).isCloseTo(-0.28890383f, within(1e-6f));
        assertThat(trials.slice(11)).hasSize(63 * 250);
    }

    @Test
    void readsTheZooBetasFromAStream() {
        byte[] bytes = TestFiles.bytes(TestFiles.sample("fmri_subj01_betas.npy"));
        FloatNdArray betas = reader.read(new ByteArrayInputStream(bytes), "betas");
        assertThat(betas.shape()).containsExactly(12, 2642);
        assertThat(betas.slice(0)[0]).isEqualTo(-0.26340967f);
        assertThat(betas.slice(0)[2641]).isEqualTo(0.3883207f);
    }

    @Test
    void convertsEveryDtypeAndByteOrder() {
        assertThat(read("f8_big_2x3.npy")).isEqualTo(new FloatNdArray(new int[] {2, 3}, new float[] {-2f, -0.5f, 1f, 2.5f, 4f, 5.5f}));
        assertThat(read("i2_2x3.npy").data()).containsExactly(-32768f, -1f, 0f, 1f, 2f, 32767f);
        assertThat(read("u1_4.npy").data()).containsExactly(0f, 1f, 128f, 255f);
        assertThat(read("b1_3.npy").data()).containsExactly(1f, 0f, 1f);
        assertThat(read("f2_3.npy").data()).containsExactly(0.5f, -2f, 65504f);
        assertThat(read("v2_i8_3.npy").data()).containsExactly(-5f, 0f, 7f);
        FloatNdArray scalar = read("scalar_f4.npy");
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.data()).containsExactly(3.25f);
        assertThat(read("empty_0x3.npy").shape()).containsExactly(0, 3);
    }

    @Test
    void transposesFortranOrderToCOrder() {
        // numpy: np.asfortranarray(np.arange(12).reshape(2, 3, 2)) read back is arange(12) in C order
        FloatNdArray a = read("fortran_2x3x2.npy");
        assertThat(a.shape()).containsExactly(2, 3, 2);
        assertThat(a.data()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }

    @Test
    void rejectsUnsupportedDtypes() {
        assertThatThrownBy(() -> read("structured.npy")).isInstanceOf(InvalidInputException.class).hasMessageContaining("structured");
        assertThatThrownBy(() -> read("complex.npy")).isInstanceOf(InvalidInputException.class).hasMessageContaining("'<c8'");
    }

    @Test
    void rejectsTruncatedData() {
        byte[] b = TestFiles.bytes(TestFiles.sample("eeg_sub-01_trials.npy"));
        byte[] cut = Arrays.copyOf(b, b.length - 5);
        assertThatThrownBy(() -> reader.read(cut, "trials.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("trials.npy").hasMessageContaining("truncated").hasMessageContaining("[12, 63, 250]");
    }

    @Test
    void rejectsTruncatedHeaderAndTrailingBytes() {
        byte[] b = TestFiles.bytes(TestFiles.resource("npy/i2_2x3.npy"));
        assertThatThrownBy(() -> reader.read(Arrays.copyOf(b, 30), "x.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("truncated in the header");
        assertThatThrownBy(() -> reader.read(Arrays.copyOf(b, 7), "x.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("not an NPY file");
        byte[] longer = Arrays.copyOf(b, b.length + 2);
        assertThatThrownBy(() -> reader.read(longer, "x.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("bytes after");
    }

    @Test
    void rejectsGarbageAndBadVersions() {
        assertThatThrownBy(() -> reader.read("hello world, not numpy".getBytes(StandardCharsets.US_ASCII), "x.npy"))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("x.npy: not an NPY file");
        byte[] b = TestFiles.bytes(TestFiles.resource("npy/i2_2x3.npy"));
        b[6] = 9;
        assertThatThrownBy(() -> reader.read(b, "x.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("version 9");
    }

    @Test
    void aForgedShapeDoesNotAllocate() {
        byte[] forged = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }");
        assertThatThrownBy(() -> reader.read(forged, "forged.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("limit");
        byte[] big = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000, 1000), }");
        NpyReader small = new NpyReader(new InputLimits(1 << 20, 1 << 20));
        assertThatThrownBy(() -> small.read(big, "big.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("8000000 bytes exceeds the limit");
        byte[] negative = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }");
        assertThatThrownBy(() -> reader.read(negative, "neg.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("out of range");
        byte[] words = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (a, b), }");
        assertThatThrownBy(() -> reader.read(words, "w.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("not a tuple of integers");
        byte[] noShape = npy("{'descr': '<f4', 'fortran_order': False}");
        assertThatThrownBy(() -> reader.read(noShape, "s.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("no 'shape'");
    }

    @Test
    void aForgedVersion2HeaderLengthDoesNotAllocate() {
        byte[] b = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f};
        assertThatThrownBy(() -> reader.read(b, "v2.npy")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("header length 2147483647");
    }

    @Test
    void halfFloatsIncludingSubnormalsAndSpecials() {
        assertThat(Bytes.halfToFloat(0x0001)).isCloseTo(5.96e-8f, within(1e-10f));
        assertThat(Bytes.halfToFloat(0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Bytes.halfToFloat(0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Bytes.halfToFloat(0x7e00)).isNaN();
        assertThat(Bytes.halfToFloat(0x3c00)).isEqualTo(1f);
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() {
        byte[] good = TestFiles.bytes(TestFiles.resource("npy/fortran_2x3x2.npy"));
        java.util.Random rnd = new java.util.Random(5);
        for (int trial = 0; trial < 1000; trial++) {
            byte[] b = Arrays.copyOf(good, 1 + rnd.nextInt(good.length + 4));
            for (int k = 0; k < 3; k++) {
                b[rnd.nextInt(Math.min(b.length, 128))] = (byte) rnd.nextInt(256);
            }
            try {
                reader.read(b, "fuzz.npy");
            } catch (InvalidInputException expected) {
                assertThat(expected.getMessage()).startsWith("fuzz.npy");
            }
        }
    }

    private FloatNdArray read(String resource) {
        return reader.read(TestFiles.resource("npy/" + resource));
    }

    private static byte[] npy(String dict) {
        byte[] d = dict.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[10 + d.length];
        System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) d.length, (byte) (d.length >> 8)}, 0, b, 0, 10);
        System.arraycopy(d, 0, b, 10, d.length);
        return b;
    }
}
