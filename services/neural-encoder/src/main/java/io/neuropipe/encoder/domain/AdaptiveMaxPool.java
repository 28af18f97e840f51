package io.neuropipe.encoder.domain;

/**
 * MindBridge's adaptive max pooling of a voxel vector of any length V to a fixed length P: bin
 * {@code i} is the maximum over input indices {@code [floor(i*V/P), ceil((i+1)*V/P))}. Works for
 * {@code V < P} too (bins then repeat inputs).
 */
public final class AdaptiveMaxPool {

    private final int outputLength;

    public AdaptiveMaxPool(int outputLength) {
        if (outputLength < 1) {
            throw new IllegalArgumentException("output length must be positive: " + outputLength);
        }
        this.outputLength = outputLength;
    }

    public int outputLength() {
        return outputLength;
    }

    public float[] apply(float[] x) {
        return pool(x, outputLength);
    }

    public static float[] pool(float[] x, int p) {
        int v = x.length;
        if (v < 1) {
            throw new io.neuropipe.runtime.step.InvalidInputException("voxel vector is empty");
        }
        float[] out = new float[p];
        for (int i = 0; i < p; i++) {
            int s = (int) ((long) i * v / p);
            int e = (int) (((long) (i + 1) * v + p - 1) / p);
            float m = x[s];
            for (int k = s + 1; k < e; k++) {
                if (x[k] > m) {
                    m = x[k];
                }
            }
            out[i] = m;
        }
        return out;
    }
}
