package io.neuropipe.encoder.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class Hdf5ReaderTest {

    @TempDir
    static Path dir;
    static Path file;
    static float[][] betas;

    private final Hdf5Reader reader = new Hdf5Reader();

    @BeforeAll
    static void writeAnNsdStyleFile() {
        betas = new float[4][5];
        for (int t = 0; t < 4; t++) {
            for (int v = 0; v < 5; v++) {
                betas[t][v] = t * 10 + v + 0.5f;
            }
        }
        file = dir.resolve("betas_subj01.hdf5");
        try (WritableHdfFile h = HdfFile.write(file)) {
            h.putDataset("betas", betas);
            WritableGroup g = h.putGroup("meta");
            g.putDataset("ids", new int[] {7, 8, 9});
            g.putDataset("rate", new double[][] {{1.5, 2.5}});
        }
    }

    @Test
    void readsAWholeDatasetAndOneRow() {
        FloatNdArray all = reader.read(file, "/betas");
        assertThat(all.shape()).containsExactly(4, 5);
        assertThat(all.slice(2)).containsExactly(betas[2]);
        assertThat(reader.readRow(file, "/betas", 3)).containsExactly(betas[3]);
        assertThat(reader.read(file, "/meta/ids").data()).containsExactly(7, 8, 9);
        assertThat(reader.read(file, "/meta/rate").data()).containsExactly(1.5f, 2.5f);
    }

    @Test
    void readsUploadedBytes() throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(reader.readRow(bytes, "upload.h5", "betas", 1)).containsExactly(betas[1]);
        assertThat(reader.read(bytes, "upload.h5", "/betas").shape()).containsExactly(4, 5);
    }

    @Test
    void clearErrorsForWrongPathsAndRows() {
        assertThatThrownBy(() -> reader.read(file, "/nope")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("has no dataset /nope");
        assertThatThrownBy(() -> reader.read(file, "/meta")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("/meta is a GROUP, not a dataset");
        assertThatThrownBy(() -> reader.readRow(file, "/betas", 4)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("rows 0..3, not 4");
        assertThatThrownBy(() -> reader.read(dir.resolve("missing.h5"), "/betas")).hasMessageContaining("no such file");
        Hdf5Reader small = new Hdf5Reader(new InputLimits(1 << 20, 10));
        assertThatThrownBy(() -> small.read(file, "/betas")).hasMessageContaining("more than the limit of 10 values");
        assertThat(small.readRow(file, "/betas", 0)).hasSize(5);
    }

    @Test
    void truncatedOrCorruptFilesAreInvalidInput() throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        for (int len : new int[] {0, 8, 100, bytes.length / 2, bytes.length - 10}) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThatThrownBy(() -> reader.read(cut, "cut.h5", "/betas")).as("length %d", len)
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("cut.h5");
        }
        Random rnd = new Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] b = bytes.clone();
            for (int k = 0; k < 16; k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            try {
                reader.readRow(b, "fuzz.h5", "/betas", 1);
            } catch (InvalidInputException expected) {
                assertThat(expected.getMessage()).startsWith("fuzz.h5");
            }
        }
        assertThatThrownBy(() -> reader.read("plain text".getBytes(), "t.h5", "/betas")).isInstanceOf(InvalidInputException.class);
    }

    /** A file written by h5py (HDF5 1.10), as NSD and MindEye write theirs: chunked + gzip int16, float16, big-endian float64. */
    @Test
    void readsH5pyFilesWithChunkingCompressionAndHalfFloats() {
        Path h5py = TestFiles.resource("hdf5/nsd_style.h5");
        FloatNdArray betas = reader.read(h5py, "/betas");
        assertThat(betas.shape()).containsExactly(6, 10);
        assertThat(betas.data()[0]).isEqualTo(-30f);
        assertThat(betas.data()[59]).isEqualTo(29f);
        assertThat(reader.readRow(h5py, "/betas", 4)).containsExactly(10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
        assertThat(reader.read(h5py, "/betas_f16").data()).containsExactly(0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4.5f, 5, 5.5f);
        assertThat(reader.readRow(h5py, "/betas_f16", 2)).containsExactly(4, 4.5f, 5, 5.5f);
        assertThat(reader.readRow(h5py, "/subj01/voxels", 1)).containsExactly(4f, 5.5f, -6.75f);
        assertThatThrownBy(() -> reader.read(h5py, "/labels")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("/labels holds String, not numbers");
    }

    @Test
    void corruptCompressedChunksAreInvalidInput() throws Exception {
        byte[] bytes = Files.readAllBytes(TestFiles.resource("hdf5/nsd_style.h5"));
        Random rnd = new Random(11);
        for (int i = 0; i < 100; i++) {
            byte[] b = bytes.clone();
            for (int k = 0; k < 8; k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            try {
                reader.read(b, "fuzz.h5", "/betas");
                reader.readRow(b, "fuzz.h5", "/betas_f16", 1);
            } catch (InvalidInputException expected) {
                assertThat(expected.getMessage()).startsWith("fuzz.h5");
            }
        }
    }
}
