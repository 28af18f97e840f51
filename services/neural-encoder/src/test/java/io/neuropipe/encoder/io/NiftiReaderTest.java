package io.neuropipe.encoder.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;

class NiftiReaderTest {

    private final NiftiReader reader = new NiftiReader();

    /** A single-file NIfTI-1 image; {@code data} is written as the datatype says. */
    static byte[] nifti(ByteOrder order, short[] dim, int datatype, int bitpix, float slope, float inter, String magic,
                        double[] data) {
        int bytes = switch (datatype) {
            case 2 -> 1;
            case 4 -> 2;
            case 16 -> 4;
            default -> 8;
        };
        ByteBuffer b = ByteBuffer.allocate(352 + data.length * bytes).order(order);
        b.putInt(0, 348);
        for (int i = 0; i < dim.length; i++) {
            b.putShort(40 + 2 * i, dim[i]);
        }
        b.putShort(70, (short) datatype);
        b.putShort(72, (short) bitpix);
        b.putFloat(76, 1f);
        b.putFloat(108, 352f);
        b.putFloat(112, slope);
        b.putFloat(116, inter);
        b.put(344, magic.getBytes(StandardCharsets.ISO_8859_1), 0, 4);
        b.position(352);
        for (double v : data) {
            switch (datatype) {
                case 2 -> b.put((byte) v);
                case 4 -> b.putShort((short) v);
                case 16 -> b.putFloat((float) v);
                case 64 -> b.putDouble(v);
                default -> throw new IllegalArgumentException();
            }
        }
        return b.array();
    }

    static short[] dims(int... d) {
        short[] s = new short[8];
        s[0] = (short) d.length;
        for (int i = 0; i < d.length; i++) {
            s[i + 1] = (short) d[i];
        }
        for (int i = d.length + 1; i < 8; i++) {
            s[i] = 1;
        }
        return s;
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void volumePlusMaskReproducesTheZooBetasRowOfStimulus0() {
        NiftiImage volume = reader.read(TestFiles.sample("fmri_subj01_stim00_bold.nii.gz"));
        NiftiImage mask = reader.read(TestFiles.sample("fmri_subj01_mask.nii.gz"));
        assertThat(volume.shape()).containsExactly(40, 48, 24);
        assertThat(volume.header().datatype()).isEqualTo(16);
        assertThat(mask.header().datatype()).isEqualTo(2);
        assertThat(volume.header().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        VoxelMask m = VoxelMask.of(mask);
        assertThat(m.voxelCount()).isEqualTo(2642);
        float[] voxels = m.extract(volume);
        float[] betas0 = new NpyReader().read(TestFiles.sample("fmri_subj01_betas.npy")).slice(0);
        assertThat(voxels).containsExactly(betas0);
    }

    @Test
    void bigEndianScaledInt16In4D() {
        // 2 x 2 x 1 x 2 volumes, int16, slope 0.5 inter 10, big-endian
        double[] raw = {0, 2, 4, 6, 8, 10, 12, 14};
        byte[] b = nifti(ByteOrder.BIG_ENDIAN, dims(2, 2, 1, 2), 4, 16, 0.5f, 10f, "n+1\0", raw);
        NiftiImage img = reader.read(b, "be.nii");
        assertThat(img.header().order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(img.shape()).containsExactly(2, 2, 1, 2);
        assertThat(img.data()).containsExactly(10, 11, 12, 13, 14, 15, 16, 17);
        assertThat(img.value(1, 0, 0, 1)).isEqualTo(15);
        // mask: x slowest in the voxel vector. File order is x fastest: (0,0) (1,0) (0,1) (1,1)
        byte[] maskBytes = nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 2, 1), 2, 8, 0f, 0f, "n+1\0", new double[] {1, 1, 0, 1});
        VoxelMask mask = VoxelMask.of(reader.read(maskBytes, "mask.nii"));
        // C order over (x, y): (0,0) (0,1) (1,0) (1,1) -> selected (0,0), (1,0), (1,1) = file offsets 0, 1, 3
        assertThat(mask.extract(img, 0)).containsExactly(10, 11, 13);
        assertThat(mask.extract(img, 1)).containsExactly(14, 15, 17);
        assertThatThrownBy(() -> mask.extract(img)).isInstanceOf(InvalidInputException.class).hasMessageContaining("2 volumes");
        assertThatThrownBy(() -> mask.extract(img, 2)).hasMessageContaining("volumes 0..1, not 2");
    }

    @Test
    void cOrderMeansXSlowest() {
        // 2 x 3 x 1 float image whose value encodes (x, y) as 10x + y; mask all ones
        double[] data = new double[6];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 2; x++) {
                data[x + 2 * y] = 10 * x + y;
            }
        }
        NiftiImage img = reader.read(nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 3, 1), 16, 32, 1f, 0f, "n+1\0", data), "f.nii");
        NiftiImage ones = reader.read(nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 3, 1), 64, 64, 1f, 0f, "n+1\0",
            new double[] {1, 1, 1, 1, 1, 1}), "m.nii");
        assertThat(VoxelMask.of(ones).extract(img)).containsExactly(0, 1, 2, 10, 11, 12);
    }

    @Test
    void maskAndVolumeOfDifferentShapesAreAnError() {
        NiftiImage volume = reader.read(TestFiles.sample("fmri_subj01_stim00_bold.nii.gz"));
        VoxelMask small = VoxelMask.of(reader.read(nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 2, 1), 2, 8, 0f, 0f, "n+1\0",
            new double[] {1, 0, 0, 0}), "small_mask.nii"));
        assertThatThrownBy(() -> small.extract(volume)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("mask small_mask.nii has shape [2, 2, 1] but volume")
            .hasMessageContaining("[40, 48, 24]");
        NiftiImage empty = reader.read(nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 1, 1), 2, 8, 0f, 0f, "n+1\0", new double[2]), "e.nii");
        assertThatThrownBy(() -> VoxelMask.of(empty)).hasMessageContaining("selects no voxel");
    }

    @Test
    void rejectsTruncatedAndCorruptFiles() throws IOException {
        byte[] gz = TestFiles.bytes(TestFiles.sample("fmri_subj01_stim00_bold.nii.gz"));
        assertThatThrownBy(() -> reader.read(Arrays.copyOf(gz, gz.length / 2), "cut.nii.gz"))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("cut.nii.gz: is not valid gzip data");
        byte[] flipped = gz.clone();
        for (int i = 100; i < 140; i++) {
            flipped[i] ^= 0x5a;
        }
        assertThatThrownBy(() -> reader.read(flipped, "bad.nii.gz")).isInstanceOf(InvalidInputException.class);

        byte[] plain = nifti(ByteOrder.LITTLE_ENDIAN, dims(4, 4, 4), 16, 32, 1f, 0f, "n+1\0", new double[64]);
        assertThatThrownBy(() -> reader.read(Arrays.copyOf(plain, 300), "h.nii")).hasMessageContaining("a NIfTI-1 header is 348");
        assertThatThrownBy(() -> reader.read(Arrays.copyOf(plain, 400), "d.nii")).hasMessageContaining("d.nii: truncated");
        assertThatThrownBy(() -> reader.read(gzip(Arrays.copyOf(plain, 400)), "d.nii.gz")).hasMessageContaining("truncated");
    }

    @Test
    void rejectsInconsistentHeaders() {
        double[] d = new double[8];
        assertThatThrownBy(() -> reader.read(nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 2, 2), 16, 16, 1f, 0f, "n+1\0", d), "b.nii"))
            .hasMessageContaining("bitpix 16 does not match datatype 16");
        assertThatThrownBy(() -> reader.read(nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 2, 2), 16, 32, 1f, 0f, "ni1\0", d), "p.nii"))
            .hasMessageContaining("two-file");
        assertThatThrownBy(() -> reader.read(nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 2, 2), 16, 32, 1f, 0f, "xxxx", d), "a.nii"))
            .hasMessageContaining("no NIfTI-1 magic");
        byte[] complex = nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 2, 2), 16, 32, 1f, 0f, "n+1\0", d);
        ByteBuffer.wrap(complex).order(ByteOrder.LITTLE_ENDIAN).putShort(70, (short) 32);
        assertThatThrownBy(() -> reader.read(complex, "c.nii")).hasMessageContaining("unsupported datatype 32");
        byte[] zeroDim = nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 0, 2), 16, 32, 1f, 0f, "n+1\0", d);
        assertThatThrownBy(() -> reader.read(zeroDim, "z.nii")).hasMessageContaining("dim[2] is 0");
        byte[] v2 = nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 2, 2), 16, 32, 1f, 0f, "n+1\0", d);
        ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 540);
        assertThatThrownBy(() -> reader.read(v2, "n2.nii")).hasMessageContaining("NIfTI-2");
        byte[] offset = nifti(ByteOrder.LITTLE_ENDIAN, dims(2, 2, 2), 16, 32, 1f, 0f, "n+1\0", d);
        ByteBuffer.wrap(offset).order(ByteOrder.LITTLE_ENDIAN).putFloat(108, 100f);
        assertThatThrownBy(() -> reader.read(offset, "o.nii")).hasMessageContaining("vox_offset 100.0");
        assertThatThrownBy(() -> reader.read("not an image at all".getBytes(StandardCharsets.US_ASCII), "t.nii"))
            .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aForgedHeaderOrAGzipBombDoesNotAllocate() throws IOException {
        byte[] forged = nifti(ByteOrder.LITTLE_ENDIAN, dims(30000, 30000, 30000), 16, 32, 1f, 0f, "n+1\0", new double[8]);
        assertThatThrownBy(() -> reader.read(forged, "f.nii")).isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
        byte[] bomb = gzip(new byte[4 << 20]);
        NiftiReader small = new NiftiReader(new InputLimits(1 << 20, 1 << 20));
        assertThatThrownBy(() -> small.read(bomb, "bomb.nii.gz")).hasMessageContaining("decompresses to more than the limit");
    }

    @Test
    void slopeZeroOrNanMeansNoScaling() {
        byte[] b = nifti(ByteOrder.LITTLE_ENDIAN, dims(2), 16, 32, Float.NaN, 5f, "n+1\0", new double[] {1.5, -2});
        assertThat(reader.read(b, "x.nii").data()).containsExactly(1.5f, -2f);
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        byte[] good = nifti(ByteOrder.LITTLE_ENDIAN, dims(3, 4, 5), 16, 32, 2f, 1f, "n+1\0", new double[60]);
        java.util.Random rnd = new java.util.Random(3);
        for (int trial = 0; trial < 500; trial++) {
            byte[] b = good.clone();
            for (int k = 0; k < 4; k++) {
                b[rnd.nextInt(352)] = (byte) rnd.nextInt(256);
            }
            byte[] input = trial % 2 == 0 ? b : gzip(Arrays.copyOf(b, rnd.nextInt(b.length)));
            try {
                reader.read(input, "fuzz.nii");
            } catch (InvalidInputException expected) {
                assertThat(expected.getMessage()).startsWith("fuzz.nii");
            }
        }
    }
}
