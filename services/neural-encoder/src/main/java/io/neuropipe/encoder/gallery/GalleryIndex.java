package io.neuropipe.encoder.gallery;

import java.util.ArrayList;
import java.util.List;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.InvalidInputException;

/**
 * An immutable snapshot of one gallery for brute-force cosine search: the entries' embeddings
 * L2-normalised into one flat row-major {@code float[]} [entries, dim], so a query is a single
 * pass of dot products over primitive arrays with a bounded min-heap for the top k. A changed
 * gallery gets a new snapshot (see {@link GalleryIndexes}); readers never see a half-built one.
 */
public final class GalleryIndex {

    private final String gallery;
    private final long version;
    private final int dim;
    private final long[] ids;
    private final String[] labels;
    private final float[] vectors;

    /**
     * @param vectors row-major [ids.length, dim] embeddings; normalised here (a zero row stays zero
     *                and scores 0 against every query)
     */
    public GalleryIndex(String gallery, long version, int dim, long[] ids, String[] labels, float[] vectors) {
        if (ids.length != labels.length || (long) ids.length * dim != vectors.length) {
            throw new IllegalArgumentException(ids.length + " ids, " + labels.length + " labels and " + vectors.length
                + " values do not form [" + ids.length + ", " + dim + "]");
        }
        this.gallery = gallery;
        this.version = version;
        this.dim = dim;
        this.ids = ids;
        this.labels = labels;
        this.vectors = vectors;
        for (int row = 0; row < ids.length; row++) {
            normaliseInPlace(vectors, row * dim, dim);
        }
    }

    public String gallery() {
        return gallery;
    }

    public long version() {
        return version;
    }

    public int dim() {
        return dim;
    }

    public int size() {
        return ids.length;
    }

    /**
     * The {@code k} entries most similar to {@code query} by cosine, best first (ties: the earlier
     * entry first). Fewer when the gallery is smaller.
     */
    public List<RetrievalHit> topK(float[] query, int k) {
        if (query.length != dim) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "Embedding has " + query.length
                + " values but gallery '" + gallery + "' holds " + dim + "-d embeddings");
        }
        return topK(query, 1, k).get(0);
    }

    /**
     * {@link #topK(float[], int)} for each of {@code count} queries, row-major [count, dim] in
     * {@code queries}, in one pass over the gallery (each entry is read once for all queries, so a
     * batch costs about one query's memory traffic). One hit list per query, in query order.
     */
    public List<List<RetrievalHit>> topK(float[] queries, int count, int k) {
        if (count < 1 || (long) count * dim != queries.length) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "Embeddings hold " + queries.length + " values, which is not "
                + count + " x " + dim + " (gallery '" + gallery + "' holds " + dim + "-d embeddings)");
        }
        if (k < 1) {
            throw new InvalidInputException("k must be at least 1, got " + k);
        }
        float[] inverseNorms = new float[count];
        for (int q = 0; q < count; q++) {
            inverseNorms[q] = inverseNorm(queries, q * dim, count > 1 ? " (row " + q + ")" : "");
        }
        int n = Math.min(k, ids.length);
        int[][] heapRows = new int[count][n];
        float[][] heapScores = new float[count][n];
        int filled = 0;
        for (int row = 0, off = 0; row < ids.length; row++, off += dim) {
            for (int q = 0; q < count; q++) {
                float dot = dot(vectors, off, queries, q * dim, dim);
                int[] rows = heapRows[q];
                float[] scores = heapScores[q];
                if (filled < n) {
                    rows[filled] = row;
                    scores[filled] = dot;
                    siftUp(rows, scores, filled);
                } else if (n > 0 && dot > scores[0]) {
                    rows[0] = row;
                    scores[0] = dot;
                    siftDown(rows, scores, n);
                }
            }
            filled = Math.min(n, filled + 1);
        }
        List<List<RetrievalHit>> out = new ArrayList<>(count);
        for (int q = 0; q < count; q++) {
            out.add(drain(heapRows[q], heapScores[q], filled, inverseNorms[q]));
        }
        return out;
    }

    private float inverseNorm(float[] queries, int off, String which) {
        double norm = 0;
        for (int j = off; j < off + dim; j++) {
            float v = queries[j];
            if (!Float.isFinite(v)) {
                throw new InvalidInputException("Embedding" + which + " contains non-finite values (NaN or Inf)");
            }
            norm += (double) v * v;
        }
        if (norm == 0) {
            throw new InvalidInputException("Embedding" + which + " is all zeros; cosine similarity is undefined");
        }
        return (float) (1.0 / Math.sqrt(norm));
    }

    /** Empties a min-heap of {@code filled} entries into hits, best first. */
    private List<RetrievalHit> drain(int[] heapRows, float[] heapScores, int filled, float inverseNorm) {
        RetrievalHit[] hits = new RetrievalHit[filled];
        for (int size = filled; size > 0; size--) {
            int row = heapRows[0];
            hits[size - 1] = new RetrievalHit(size, ids[row], labels[row], Math.min(1f, heapScores[0] * inverseNorm));
            heapRows[0] = heapRows[size - 1];
            heapScores[0] = heapScores[size - 1];
            siftDown(heapRows, heapScores, size - 1);
        }
        return List.of(hits);
    }

    /** Eight independent partial sums, so the JIT can overlap the multiply-adds instead of chaining them. */
    private static float dot(float[] v, int off, float[] q, int qOff, int dim) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        float s4 = 0f;
        float s5 = 0f;
        float s6 = 0f;
        float s7 = 0f;
        int j = 0;
        for (; j + 8 <= dim; j += 8) {
            s0 += v[off + j] * q[qOff + j];
            s1 += v[off + j + 1] * q[qOff + j + 1];
            s2 += v[off + j + 2] * q[qOff + j + 2];
            s3 += v[off + j + 3] * q[qOff + j + 3];
            s4 += v[off + j + 4] * q[qOff + j + 4];
            s5 += v[off + j + 5] * q[qOff + j + 5];
            s6 += v[off + j + 6] * q[qOff + j + 6];
            s7 += v[off + j + 7] * q[qOff + j + 7];
        }
        for (; j < dim; j++) {
            s0 += v[off + j] * q[qOff + j];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** Heap order: lower score first; on equal scores the later row first, so it is evicted before an earlier one. */
    private static boolean before(int[] rows, float[] scores, int a, int b) {
        return scores[a] < scores[b] || (scores[a] == scores[b] && rows[a] > rows[b]);
    }

    private static void siftUp(int[] rows, float[] scores, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(rows, scores, i, parent)) {
                return;
            }
            swap(rows, scores, i, parent);
            i = parent;
        }
    }

    private static void siftDown(int[] rows, float[] scores, int size) {
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int child = left + 1 < size && before(rows, scores, left + 1, left) ? left + 1 : left;
            if (!before(rows, scores, child, i)) {
                return;
            }
            swap(rows, scores, i, child);
            i = child;
        }
    }

    private static void swap(int[] rows, float[] scores, int a, int b) {
        int r = rows[a];
        rows[a] = rows[b];
        rows[b] = r;
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
    }

    static void normaliseInPlace(float[] v, int from, int length) {
        double norm = 0;
        for (int i = from; i < from + length; i++) {
            norm += (double) v[i] * v[i];
        }
        if (norm > 0) {
            float inv = (float) (1.0 / Math.sqrt(norm));
            for (int i = from; i < from + length; i++) {
                v[i] *= inv;
            }
        }
    }
}
