package io.neuropipe.encoder.io;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads single-file NIfTI-1 images ({@code .nii}, and {@code .nii.gz} detected by the gzip magic):
 * endianness from {@code sizeof_hdr}, {@code dim}, {@code datatype}/{@code bitpix},
 * {@code vox_offset}, {@code scl_slope}/{@code scl_inter}. NIfTI-2, Analyze and two-file
 * ({@code .hdr/.img}) images are rejected with a message saying so.
 */
public final class NiftiReader {

    private static final int HEADER = 348;

    private final InputLimits limits;

    public NiftiReader() {
        this(InputLimits.DEFAULT);
    }

    public NiftiReader(InputLimits limits) {
        this.limits = limits;
    }

    public NiftiImage read(Path path) {
        return read(Bytes.readAll(path, limits.maxBytes()), path.toString());
    }

    public NiftiImage read(InputStream in, String name) {
        return read(Bytes.readAll(in, limits.maxBytes(), name), name);
    }

    public NiftiImage read(byte[] bytes, String name) {
        byte[] b = Bytes.isGzip(bytes) ? Bytes.gunzip(bytes, limits.maxBytes(), name) : bytes;
        NiftiHeader h = header(b, name);
        int bytesPer = h.bitpix() / 8;
        long n = h.voxelsPerVolume() * h.volumes();
        long need = h.voxOffset() + n * bytesPer;
        if (need > b.length) {
            throw Bytes.invalid(name, "truncated: " + java.util.Arrays.toString(h.shape()) + " voxels of " + bytesPer
                + " bytes from offset " + h.voxOffset() + " need " + need + " bytes, the image has " + b.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(b, (int) h.voxOffset(), (int) (n * bytesPer)).slice().order(h.order());
        float[] data = new float[(int) n];
        switch (h.datatype()) {
            case 2 -> { for (int i = 0; i < n; i++) data[i] = buf.get() & 0xff; }
            case 256 -> { for (int i = 0; i < n; i++) data[i] = buf.get(); }
            case 4 -> { for (int i = 0; i < n; i++) data[i] = buf.getShort(); }
            case 512 -> { for (int i = 0; i < n; i++) data[i] = buf.getShort() & 0xffff; }
            case 8 -> { for (int i = 0; i < n; i++) data[i] = buf.getInt(); }
            case 768 -> { for (int i = 0; i < n; i++) data[i] = buf.getInt() & 0xffffffffL; }
            case 1024 -> { for (int i = 0; i < n; i++) data[i] = buf.getLong(); }
            case 1280 -> {
                for (int i = 0; i < n; i++) {
                    long v = buf.getLong();
                    data[i] = v >= 0 ? v : (float) ((v >>> 1) * 2.0 + (v & 1));
                }
            }
            case 16 -> buf.asFloatBuffer().get(data);
            case 64 -> { for (int i = 0; i < n; i++) data[i] = (float) buf.getDouble(); }
            default -> throw new IllegalStateException("datatype checked in header()");
        }
        if (h.sclSlope() != 1f || h.sclInter() != 0f) {
            for (int i = 0; i < data.length; i++) {
                data[i] = data[i] * h.sclSlope() + h.sclInter();
            }
        }
        return new NiftiImage(name, h, data);
    }

    /** Parses and checks the 348-byte header of an uncompressed image. */
    public NiftiHeader header(byte[] b, String name) {
        if (b.length < HEADER) {
            throw Bytes.invalid(name, "truncated: " + b.length + " bytes, a NIfTI-1 header is 348");
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        ByteOrder order;
        int le = bb.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        int be = bb.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (le == HEADER) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (be == HEADER) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (le == 540 || be == 540) {
            throw Bytes.invalid(name, "is a NIfTI-2 image; only NIfTI-1 is supported");
        } else {
            throw Bytes.invalid(name, "not a NIfTI-1 image (sizeof_hdr is " + le + ", expected 348)");
        }
        bb.order(order);
        String magic = new String(b, 344, 4, StandardCharsets.ISO_8859_1);
        if (magic.equals("ni1\0")) {
            throw Bytes.invalid(name, "is a two-file NIfTI-1 header (.hdr/.img); send a single-file .nii or .nii.gz");
        }
        if (!magic.equals("n+1\0")) {
            throw Bytes.invalid(name, "has no NIfTI-1 magic 'n+1' (Analyze 7.5 images are not supported)");
        }
        int rank = bb.getShort(40);
        if (rank < 1 || rank > 7) {
            throw Bytes.invalid(name, "dim[0] is " + rank + " (1..7 allowed)");
        }
        int[] shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = bb.getShort(42 + 2 * i);
            if (shape[i] < 1) {
                throw Bytes.invalid(name, "dim[" + (i + 1) + "] is " + shape[i]);
            }
            count *= shape[i];
            if (count > limits.maxElements()) {
                throw Bytes.invalid(name, "dim " + rank + "x... = more voxels than the limit of " + limits.maxElements() + " values");
            }
        }
        int datatype = bb.getShort(70);
        int bitpix = bb.getShort(72);
        int expectedBits = switch (datatype) {
            case 2, 256 -> 8;
            case 4, 512 -> 16;
            case 8, 16, 768 -> 32;
            case 64, 1024, 1280 -> 64;
            default -> throw Bytes.invalid(name, "unsupported datatype " + datatype
                + " (supported: uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64)");
        };
        if (bitpix != expectedBits) {
            throw Bytes.invalid(name, "bitpix " + bitpix + " does not match datatype " + datatype + " (" + expectedBits + " bits)");
        }
        float[] pixdim = new float[8];
        for (int i = 0; i < 8; i++) {
            pixdim[i] = bb.getFloat(76 + 4 * i);
        }
        float voxOffset = bb.getFloat(108);
        if (!(voxOffset >= 348) || voxOffset != Math.rint(voxOffset) || voxOffset > b.length) {
            throw Bytes.invalid(name, "vox_offset " + voxOffset + " is not a whole byte offset in 348.." + b.length);
        }
        float slope = bb.getFloat(112);
        float inter = bb.getFloat(116);
        if (slope == 0f || !Float.isFinite(slope)) {
            slope = 1f;
            inter = 0f;
        } else if (!Float.isFinite(inter)) {
            inter = 0f;
        }
        String descrip = new String(b, 148, 80, StandardCharsets.ISO_8859_1).replace("\0", "").strip();
        return new NiftiHeader(order, shape, datatype, bitpix, pixdim, (long) voxOffset, slope, inter, descrip);
    }
}
