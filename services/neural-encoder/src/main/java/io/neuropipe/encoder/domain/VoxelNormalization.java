package io.neuropipe.encoder.domain;

import io.neuropipe.runtime.step.InvalidInputException;

/** Per-voxel normalisation of an fMRI voxel vector before the encoder (a hook; the card chooses). */
@FunctionalInterface
public interface VoxelNormalization {

    float[] apply(float[] voxels);

    /** Values used as given (e.g. NSD betas already z-scored per voxel per session). */
    static VoxelNormalization none() {
        return v -> v;
    }

    /** {@code (x[i] - mean[i]) / std[i]} with per-voxel statistics from training. */
    static VoxelNormalization zScore(float[] mean, float[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std lengths differ: " + mean.length + " vs " + std.length);
        }
        float[] m = mean.clone();
        float[] s = std.clone();
        return v -> {
            if (v.length != m.length) {
                throw new InvalidInputException("voxel vector has " + v.length + " voxels, the normalisation statistics " + m.length);
            }
            float[] out = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = s[i] > 0 ? (v[i] - m[i]) / s[i] : 0f;
            }
            return out;
        };
    }

    /** Z-scores the vector over its own voxels (one sample's mean and standard deviation). */
    static VoxelNormalization acrossVoxels() {
        return v -> {
            double sum = 0;
            for (float x : v) {
                sum += x;
            }
            double mean = sum / v.length;
            double ss = 0;
            for (float x : v) {
                ss += (x - mean) * (x - mean);
            }
            double sd = Math.sqrt(ss / v.length);
            float[] out = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = sd > 1e-8 ? (float) ((v[i] - mean) / sd) : 0f;
            }
            return out;
        };
    }
}
