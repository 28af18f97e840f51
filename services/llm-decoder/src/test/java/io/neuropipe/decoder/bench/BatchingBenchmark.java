package io.neuropipe.decoder.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import io.neuropipe.decoder.ZooDecoder;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.GreedySampler;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.kv.PrefixCache;
import io.neuropipe.decoder.kv.PrefixCacheProperties;
import io.neuropipe.decoder.sched.BatchingProperties;
import io.neuropipe.decoder.sched.ContinuousBatchingEngine;
import io.neuropipe.decoder.sched.SequenceOptions;

/**
 * Continuous batching throughput: the same greedy requests one at a time through the single-request generator, then from
 * {@code concurrency} client threads through the batching engine (max running = concurrency). Prints requests/s, generated
 * tokens/s, the speed-up, the process CPU time of each run (and the speed-up it gives, the figure that holds on a busy
 * machine) and how many outputs differ from the one-at-a-time run. A benchmark, not a test.
 *
 * <p>Args: {@code requests=64 concurrency=8 images=/tmp/batch-val threads=1}.
 */
public final class BatchingBenchmark {

    /** The token pruner's default {@code ratio} of strategy {@code cls-topk} (kept share). */
    private static final double CLS_TOPK_DEFAULT_RATIO = 0.5;

    private BatchingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int requests = Args.integer(args, "requests", 64);
        int concurrency = Args.integer(args, "concurrency", 8);
        int threads = Args.integer(args, "threads", 1);
        Path images = Path.of(Args.string(args, "images", "/tmp/batch-val"));
        try (ZooDecoder zoo = new ZooDecoder(threads)) {
            List<ZooImages.Image> val = ZooImages.load(images, zoo.models(), requests);
            List<Prefix> vision = new ArrayList<>();
            val.forEach(im -> vision.add(zoo.visionPrefix(im.patchTokens(), ZooImages.gridPositions())));
            // what image-caption sends when the client asks for strategy=cls-topk at the pruner's default ratio
            List<Prefix> pruned = new ArrayList<>();
            val.forEach(im -> {
                ZooImages.Kept kept = ZooImages.clsTopK(im, CLS_TOPK_DEFAULT_RATIO);
                pruned.add(zoo.visionPrefix(kept.tokens(), kept.positions()));
            });
            List<Prefix> brain = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                brain.add(zoo.brainPrefix(i));
            }
            long[] caption = zoo.promptIds("caption:");
            System.out.printf(Locale.ROOT, "continuous batching: %d requests, concurrency %d, ORT intra-op threads %d%n", requests,
                concurrency, threads);
            System.out.println("| workload | mode | requests/s | generated tokens/s | speed-up | CPU s | speed-up by CPU time "
                + "| outputs differing | peak batch |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            run(zoo, "brain prefix (4 rows) + caption", i -> greedy(brain.get(i % brain.size()), caption, 32), requests,
                concurrency);
            run(zoo, "image prefix (256 rows) + caption", i -> greedy(vision.get(i % vision.size()), caption, 32), requests,
                concurrency);
            run(zoo, "image prefix pruned by cls-topk 0.5 (128 rows) + caption", i -> greedy(pruned.get(i % pruned.size()), caption, 32),
                requests, concurrency);
            run(zoo, "image prefix + caption, 48 tokens, no eos", i -> endless(vision.get(i % vision.size()), caption, 48), requests,
                concurrency);
        }
    }

    private static GenerationRequest greedy(Prefix prefix, long[] prompt, int maxTokens) {
        return new GenerationRequest(prefix, prompt, maxTokens, List.of(), new GreedySampler(), 1.0);
    }

    private static GenerationRequest endless(Prefix prefix, long[] prompt, int maxTokens) {
        GreedySampler greedy = new GreedySampler();
        return new GenerationRequest(prefix, prompt, maxTokens, List.of(), logits -> {
            logits[2] = Float.NEGATIVE_INFINITY;
            return greedy.next(logits);
        }, 1.0);
    }

    private static void run(ZooDecoder zoo, String workload, IntFunction<GenerationRequest> request, int n, int concurrency)
            throws Exception {
        Generator generator = new Generator(zoo.engine());
        for (int i = 0; i < Math.min(8, n); i++) {
            generator.generate(request.apply(i), d -> { });
        }
        List<Generation> alone = new ArrayList<>();
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        for (int i = 0; i < n; i++) {
            alone.add(generator.generate(request.apply(i), d -> { }));
        }
        double sequentialSeconds = (System.nanoTime() - start) / 1e9;
        double sequentialCpu = (cpuNanos() - cpuStart) / 1e9;
        long tokens = alone.stream().mapToLong(g -> g.tokens().size()).sum();

        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        BatchingProperties props = new BatchingProperties(concurrency, 4 * concurrency, java.time.Duration.ofMinutes(1));
        try (ContinuousBatchingEngine engine = new ContinuousBatchingEngine(zoo.engine(), props,
                new PrefixCache(zoo.models(), PrefixCacheProperties.defaults()))) {
            runBatched(engine, clients, request, Math.min(16, n), concurrency);
            start = System.nanoTime();
            cpuStart = cpuNanos();
            List<Generation> batched = runBatched(engine, clients, request, n, concurrency);
            double batchedSeconds = (System.nanoTime() - start) / 1e9;
            double batchedCpu = (cpuNanos() - cpuStart) / 1e9;
            long differing = 0;
            for (int i = 0; i < n; i++) {
                differing += batched.get(i).tokens().equals(alone.get(i).tokens()) ? 0 : 1;
            }
            System.out.printf(Locale.ROOT, "| %s | one at a time | %.1f | %.0f | 1.00x | %.2f | 1.00x | - | 1 |%n", workload,
                n / sequentialSeconds, tokens / sequentialSeconds, sequentialCpu);
            System.out.printf(Locale.ROOT, "| %s | continuous batching, %d clients | %.1f | %.0f | %.2fx | %.2f | %.2fx | %d of %d | %d |%n",
                workload, concurrency, n / batchedSeconds, tokens / batchedSeconds, sequentialSeconds / batchedSeconds, batchedCpu,
                sequentialCpu / batchedCpu, differing, n, engine.peakBatch());
        } finally {
            clients.shutdownNow();
        }
    }

    /** CPU time of the whole process: on a shared machine it measures the work, where wall time measures the neighbours. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    /** {@code concurrency} clients, each sending its share of the requests one after another. */
    private static List<Generation> runBatched(ContinuousBatchingEngine engine, ExecutorService clients,
                                               IntFunction<GenerationRequest> request, int n, int concurrency) throws Exception {
        Generation[] out = new Generation[n];
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            int client = c;
            done.add(CompletableFuture.runAsync(() -> {
                for (int i = client; i < n; i += concurrency) {
                    try {
                        out[i] = engine.submit(request.apply(i), SequenceOptions.none(), () -> false).await(d -> { });
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, clients));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
        return List.of(out);
    }
}
