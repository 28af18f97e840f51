package io.neuropipe.encoder.domain;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * fMRI voxel vector -> model input: voxel count check against the subject, finite check,
 * normalisation, then (for MindBridge-style models) adaptive max pooling to the model's length.
 *
 * @param expectedVoxels the subject's voxel count, or -1 for any
 * @param normalization  per-voxel normalisation
 * @param pooledLength   the model's fixed input length for adaptive max pooling, or -1 for none
 */
public record FmriPreprocessing(int expectedVoxels, VoxelNormalization normalization, int pooledLength) {

    public float[] apply(float[] voxels) {
        if (expectedVoxels >= 0 && voxels.length != expectedVoxels) {
            throw new InvalidInputException("fMRI voxel vector has " + voxels.length + " voxels but the subject has " + expectedVoxels);
        }
        FiniteCheck.requireFinite(voxels, "fMRI voxel vector");
        float[] x = normalization.apply(voxels);
        return pooledLength > 0 ? AdaptiveMaxPool.pool(x, pooledLength) : x;
    }
}
