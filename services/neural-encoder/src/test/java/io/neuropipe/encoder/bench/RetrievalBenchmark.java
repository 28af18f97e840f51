package io.neuropipe.encoder.bench;

import java.util.Arrays;
import java.util.Random;

import io.neuropipe.encoder.gallery.GalleryIndex;

/**
 * Brute-force cosine top-k over a flat in-memory gallery of {@code bench.entries} (100k) random
 * 128-d embeddings: build time and per-query latency on one thread, k = 5 and k = 100.
 */
public final class RetrievalBenchmark {

    private RetrievalBenchmark() {
    }

    public static void main(String[] args) {
        int n = Integer.getInteger("bench.entries", 100_000);
        int dim = 128;
        int queries = Integer.getInteger("bench.queries", 500);
        Random rnd = new Random(1);
        float[] flat = new float[n * dim];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) rnd.nextGaussian();
        }
        long[] ids = new long[n];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
            labels[i] = "entry " + i;
        }
        long t0 = System.nanoTime();
        GalleryIndex index = new GalleryIndex("bench", 1, dim, ids, labels, flat);
        double buildMs = (System.nanoTime() - t0) / 1e6;
        float[][] q = new float[queries][dim];
        for (float[] v : q) {
            for (int j = 0; j < dim; j++) {
                v[j] = (float) rnd.nextGaussian();
            }
        }
        System.out.printf("gallery: %d entries x %d, index build (normalise) %.1f ms, %.1f MB%n", n, dim, buildMs, flat.length * 4 / 1e6);
        for (int k : new int[] {5, 100}) {
            for (int i = 0; i < 50; i++) {
                index.topK(q[i % queries], k); // warm-up
            }
            double[] ms = new double[queries];
            for (int i = 0; i < queries; i++) {
                long s = System.nanoTime();
                index.topK(q[i], k);
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ms);
            double mean = Arrays.stream(ms).average().orElse(0);
            System.out.printf("k=%d: p50 %.2f ms, p95 %.2f ms, mean %.2f ms, %.0f queries/s (one thread, n=%d)%n",
                k, ms[queries / 2], ms[(int) (queries * 0.95)], mean, 1000 / mean, queries);
        }
    }
}
