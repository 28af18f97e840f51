package io.neuropipe.encoder.io;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The NIfTI-1 header fields the readers use.
 *
 * @param order     byte order of the file (detected from {@code sizeof_hdr} = 348)
 * @param shape     {@code dim[1..dim[0]]}: x, y, z, then t, ... (x fastest on disk)
 * @param datatype  NIfTI datatype code (2 uint8, 4 int16, 8 int32, 16 float32, 64 float64, 256 int8,
 *                  512 uint16, 768 uint32, 1024 int64, 1280 uint64)
 * @param bitpix    bits per voxel
 * @param pixdim    {@code pixdim[0..7]}
 * @param voxOffset byte offset of the voxel data
 * @param sclSlope  data scaling slope (1 when the file's is 0 or not finite: no scaling)
 * @param sclInter  data scaling intercept (0 when the file's is not finite)
 * @param description the {@code descrip} text
 */
public record NiftiHeader(ByteOrder order, int[] shape, int datatype, int bitpix, float[] pixdim, long voxOffset,
                          float sclSlope, float sclInter, String description) {

    /** Voxels per 3D volume ({@code x * y * z}; missing dimensions count as 1). */
    public long voxelsPerVolume() {
        long n = 1;
        for (int i = 0; i < Math.min(3, shape.length); i++) {
            n *= shape[i];
        }
        return n;
    }

    /** Number of 3D volumes (the product of dimensions 4 and up). */
    public long volumes() {
        long n = 1;
        for (int i = 3; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** The spatial shape, always 3 long ({@code [x, y, z]}, missing ones 1). */
    public int[] spatialShape() {
        int[] s = {1, 1, 1};
        for (int i = 0; i < Math.min(3, shape.length); i++) {
            s[i] = shape[i];
        }
        return s;
    }

    @Override
    public String toString() {
        return "NiftiHeader[" + Arrays.toString(shape) + ", datatype " + datatype + ", " + order + "]";
    }
}
