package io.neuropipe.pruner.domain;

import java.util.function.IntFunction;

/** Small hand-made token grids for the strategy tests. */
final class TestTokens {

    private TestTokens() {
    }

    /** A full {@code grid x grid} token set; token i = {@code vector.apply(i)}, attention i = {@code attention[i]}. */
    static VisionTokens grid(int grid, IntFunction<float[]> vector, float[] attention) {
        int n = grid * grid;
        int dim = vector.apply(0).length;
        float[] tokens = new float[n * dim];
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(vector.apply(i), 0, tokens, i * dim, dim);
            positions[i] = i;
        }
        return new VisionTokens(tokens, n, dim, positions, attention, grid);
    }

    /** A line of tokens with the given attention; token i = [i]. */
    static VisionTokens line(float... attention) {
        int n = attention.length;
        float[] tokens = new float[n];
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = i;
            positions[i] = i;
        }
        return new VisionTokens(tokens, n, 1, positions, attention, (int) Math.ceil(Math.sqrt(n)));
    }

    static float[] row(VisionTokens t, int index) {
        float[] out = new float[t.dim()];
        System.arraycopy(t.tokens(), index * t.dim(), out, 0, t.dim());
        return out;
    }

    static int indexOf(VisionTokens t, long position) {
        for (int i = 0; i < t.count(); i++) {
            if (t.positions()[i] == position) {
                return i;
            }
        }
        throw new AssertionError("position " + position + " not kept");
    }
}
