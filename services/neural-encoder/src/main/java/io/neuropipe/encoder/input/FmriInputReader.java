package io.neuropipe.encoder.input;

import java.util.Optional;

import io.neuropipe.encoder.io.FloatNdArray;
import io.neuropipe.encoder.io.Hdf5Reader;
import io.neuropipe.encoder.io.NiftiImage;
import io.neuropipe.encoder.io.NiftiReader;
import io.neuropipe.encoder.io.NpyReader;
import io.neuropipe.encoder.io.VoxelMask;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepParams;

/**
 * fMRI input -> voxel vectors [n][V]: a voxel vector [V] or vectors [n, V] as a tensor or NPY
 * file; a NIfTI-1 volume (3D, or 4D = one vector per volume) plus a mask volume (artifact
 * {@code mask}); or an HDF5 file with the dataset path in param {@code dataset} (NSD-style
 * [trials, voxels], one row chosen by param {@code index}, or a single [voxels] vector).
 */
public final class FmriInputReader {

    private final NpyReader npy = new NpyReader();
    private final NiftiReader nifti = new NiftiReader();
    private final Hdf5Reader hdf5 = new Hdf5Reader();

    public float[][] read(Payload input, Optional<Payload> mask, StepParams params) {
        return switch (input.format()) {
            case TENSOR -> vectors(input.floatArray("fMRI"), input.name());
            case NPY -> vectors(npy.read(input.bytes(), input.name()), input.name());
            case NIFTI -> masked(nifti.read(input.bytes(), input.name()), mask.orElseThrow(() -> new InvalidInputException(
                "A NIfTI volume needs a mask volume (artifact 'mask') to select its voxels")));
            case HDF5 -> hdf5(input, params);
            case EDF -> throw new InvalidInputException("Artifact '" + input.name() + "' is an EDF recording, not fMRI;"
                + " fMRI is accepted as a voxel vector (tensor/NPY), a NIfTI-1 volume + mask, or an HDF5 dataset");
        };
    }


    private static float[][] vectors(FloatNdArray a, String name) {
        if (a.rank() == 1) {
            return new float[][] {a.data()};
        }
        if (a.rank() == 2) {
            float[][] out = new float[a.dim(0)][];
            for (int i = 0; i < out.length; i++) {
                out[i] = a.slice(i);
            }
            if (out.length == 0) {
                throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "fMRI input '" + name + "' holds no vector: " + a.shapeString());
            }
            return out;
        }
        throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "fMRI input '" + name + "' must be a voxel vector [V] or"
            + " vectors [n, V], got " + a.shapeString() + " (a whole volume needs NIfTI-1 and a mask)");
    }

    private float[][] masked(NiftiImage volume, Payload maskInput) {
        if (maskInput.format() != Payload.Format.NIFTI) {
            throw new InvalidInputException("Artifact '" + maskInput.name() + "' must be a NIfTI-1 mask volume, is " + maskInput.format());
        }
        VoxelMask mask = VoxelMask.of(nifti.read(maskInput.bytes(), maskInput.name()));
        int volumes = (int) volume.header().volumes();
        float[][] out = new float[volumes][];
        for (int t = 0; t < volumes; t++) {
            out[t] = mask.extract(volume, t);
        }
        return out;
    }

    private float[][] hdf5(Payload input, StepParams params) {
        String dataset = params.get("dataset").orElseThrow(() -> new InvalidInputException(
            "An HDF5 input needs param 'dataset' (the dataset path inside the file, e.g. /betas)"));
        if (params.get("index").isPresent()) {
            int index = params.integer("index", 0, 0, Integer.MAX_VALUE);
            return new float[][] {hdf5.readRow(input.bytes(), input.name(), dataset, index)};
        }
        return vectors(hdf5.read(input.bytes(), input.name(), dataset), input.name() + ":" + dataset);
    }
}
