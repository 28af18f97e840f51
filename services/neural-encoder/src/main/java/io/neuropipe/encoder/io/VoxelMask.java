package io.neuropipe.encoder.io;

import java.util.Arrays;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * A brain mask: selects the voxels whose mask value is {@code > 0}, in C order over {@code [x, y, z]}
 * (x slowest, z fastest) - numpy's {@code volume[mask > 0]} on a nibabel array, which is how
 * NSD-style voxel vectors (and the zoo's {@code fmri_*_betas.npy} columns) are ordered.
 */
public final class VoxelMask {

    private final String name;
    private final int[] shape;
    private final int[] offsets;

    private VoxelMask(String name, int[] shape, int[] offsets) {
        this.name = name;
        this.shape = shape;
        this.offsets = offsets;
    }

    /** The mask from a 3D image (or 4D with one volume). */
    public static VoxelMask of(NiftiImage mask) {
        NiftiHeader h = mask.header();
        if (h.volumes() != 1) {
            throw new InvalidInputException(mask.name() + ": a mask must be one 3D volume, this one has shape "
                + Arrays.toString(h.shape()));
        }
        int[] s = h.spatialShape();
        int[] idx = new int[(int) h.voxelsPerVolume()];
        int n = 0;
        float[] d = mask.data();
        for (int x = 0; x < s[0]; x++) {
            for (int y = 0; y < s[1]; y++) {
                for (int z = 0; z < s[2]; z++) {
                    int off = x + s[0] * (y + s[1] * z);
                    if (d[off] > 0) {
                        idx[n++] = off;
                    }
                }
            }
        }
        if (n == 0) {
            throw new InvalidInputException(mask.name() + ": mask selects no voxel (no value > 0)");
        }
        return new VoxelMask(mask.name(), s, Arrays.copyOf(idx, n));
    }

    /** Number of voxels selected. */
    public int voxelCount() {
        return offsets.length;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** The voxel vector of a 3D image (or of the first volume of a 4D one with a single volume). */
    public float[] extract(NiftiImage volume) {
        if (volume.header().volumes() != 1) {
            throw new InvalidInputException(volume.name() + " has " + volume.header().volumes()
                + " volumes; say which one (extract(volume, t))");
        }
        return extract(volume, 0);
    }

    /** The voxel vector of volume {@code t} of a 3D/4D image. */
    public float[] extract(NiftiImage volume, int t) {
        int[] s = volume.header().spatialShape();
        if (!Arrays.equals(s, shape)) {
            throw new InvalidInputException("mask " + name + " has shape " + Arrays.toString(shape) + " but volume "
                + volume.name() + " has shape " + Arrays.toString(s));
        }
        long volumes = volume.header().volumes();
        if (t < 0 || t >= volumes) {
            throw new InvalidInputException(volume.name() + " has volumes 0.." + (volumes - 1) + ", not " + t);
        }
        int base = (int) (t * volume.header().voxelsPerVolume());
        float[] out = new float[offsets.length];
        float[] d = volume.data();
        for (int i = 0; i < offsets.length; i++) {
            out[i] = d[base + offsets[i]];
        }
        return out;
    }
}
