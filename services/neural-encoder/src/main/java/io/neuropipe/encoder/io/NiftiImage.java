package io.neuropipe.encoder.io;

import java.util.Arrays;

/**
 * A decoded NIfTI-1 image, scaled by {@code scl_slope/scl_inter}.
 *
 * @param name   file or upload name, for error messages
 * @param header the header
 * @param data   all voxels in file order: x fastest, then y, z, t ({@code x + X*(y + Y*(z + Z*t))})
 */
public record NiftiImage(String name, NiftiHeader header, float[] data) {

    public int[] shape() {
        return header.shape().clone();
    }

    /** The value at {@code (x, y, z)} of volume {@code t}. */
    public float value(int x, int y, int z, int t) {
        int[] s = header.spatialShape();
        return data[(int) (x + (long) s[0] * (y + (long) s[1] * (z + (long) s[2] * t)))];
    }

    @Override
    public String toString() {
        return "NiftiImage[" + name + ", " + Arrays.toString(header.shape()) + "]";
    }
}
