package io.neuropipe.encoder.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.encoder.EncoderFixture;
import io.neuropipe.encoder.config.EncoderProperties;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;

/**
 * fMRI deep encoding throughput (adapter + translator, one pooled vector per request, the zoo's four
 * subjects in turn) at concurrency 1 and 8: each request on its own model calls (the path before
 * dynamic batching) against the {@code fmri-deep} batcher at the service's defaults (32 vectors, 2 ms).
 * {@code bench.fmri.requests} requests per level (default 3000) after 300 of warm-up.
 */
public final class FmriBatchingBenchmark {

    private static final String[] SUBJECTS = {"subj01", "subj02", "subj03", "subj04"};

    private FmriBatchingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int requests = Integer.getInteger("bench.fmri.requests", 3000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ModelRepository models = new ModelRepository(new ModelRepositoryProperties(EncoderFixture.MODELS.resolve("repository"),
                Map.of(), Duration.ZERO, Duration.ZERO, false), new ExecutionProviders(OnnxRuntimeProperties.defaults()), registry);
             FmriEncoderEngine engine = new FmriEncoderEngine(models, new EncoderProperties("eeg-encoder", "eeg-ridge",
                 "fmri-translator", "fmri-ridge-", 32, Duration.ofMillis(2), 1024), registry)) {
            OnnxModel[] adapters = Arrays.stream(SUBJECTS).map(s -> models.model("fmri-adapter-" + s)).toArray(OnnxModel[]::new);
            OnnxModel translator = models.model("fmri-translator");
            int length = FmriEncoderEngine.pooledLength(adapters[0]);
            float[][] inputs = new float[64][length];
            SplittableRandom random = new SplittableRandom(7);
            for (float[] v : inputs) {
                for (int i = 0; i < length; i++) {
                    v[i] = (float) random.nextGaussian();
                }
            }
            BiFunction<OnnxModel, float[][], float[][]> alone = (adapter, pooled) -> FmriBatchRunner.run(translator, "hidden",
                FmriBatchRunner.run(adapter, "voxels", pooled, "hidden"), "embedding");
            DistributionSummary sizes = registry.get("neuropipe.batch.size").tag("batcher", "fmri-deep").summary();
            double[] rates = new double[4];
            int row = 0;
            for (boolean batched : new boolean[] {false, true}) {
                BiFunction<OnnxModel, float[][], float[][]> encode = batched ? engine::deep : alone;
                for (int concurrency : new int[] {1, 8}) {
                    run(encode, adapters, inputs, concurrency, 300);
                    long callsBefore = sizes.count();
                    double rowsBefore = sizes.totalAmount();
                    double[] ms = run(encode, adapters, inputs, concurrency, requests);
                    double seconds = ms[ms.length - 1];
                    double[] latencies = Arrays.copyOf(ms, ms.length - 1);
                    Arrays.sort(latencies);
                    rates[row++] = requests / seconds;
                    long calls = sizes.count() - callsBefore;
                    System.out.printf("fmri %s concurrency %d: %.0f requests/s, latency p50 %.2f ms, p95 %.2f ms, %s (%d requests)%n",
                        batched ? "batched" : "alone  ", concurrency, requests / seconds, latencies[requests / 2],
                        latencies[(int) (requests * 0.95)], batched ? String.format("%.1f vectors per model call", (sizes.totalAmount() - rowsBefore) / calls)
                            : "1 vector per model call", requests);
                }
            }
            System.out.printf("fmri throughput concurrency 8 vs 1: batched %.2fx, alone %.2fx; batched vs alone at concurrency 8: %.2fx%n",
                rates[3] / rates[2], rates[1] / rates[0], rates[3] / rates[1]);
        }
    }

    /** Latency of each request in ms, then the wall time of all in seconds as the last element. */
    private static double[] run(BiFunction<OnnxModel, float[][], float[][]> encode, OnnxModel[] adapters, float[][] inputs,
                                int concurrency, int requests) throws Exception {
        double[] out = new double[requests + 1];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    for (int r = next.getAndIncrement(); r < requests; r = next.getAndIncrement()) {
                        long s = System.nanoTime();
                        encode.apply(adapters[r % adapters.length], new float[][] {inputs[r % inputs.length]});
                        out[r] = (System.nanoTime() - s) / 1e6;
                    }
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        out[requests] = (System.nanoTime() - t0) / 1e9;
        return out;
    }
}
