package io.neuropipe.generator.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.generator.domain.PropagationSchedules;
import io.neuropipe.generator.domain.SamplingPlan;
import io.neuropipe.generator.domain.SeededNoise;
import io.neuropipe.generator.engine.BatchingUnetRunner;
import io.neuropipe.generator.engine.DdimSampler;
import io.neuropipe.generator.engine.DirectUnetRunner;
import io.neuropipe.generator.engine.RealUnet;
import io.neuropipe.generator.engine.SampleRequest;
import io.neuropipe.generator.engine.SampleResult;
import io.neuropipe.generator.engine.UnetRunner;
import io.neuropipe.generator.engine.UnetSpec;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.step.StepParams;

/**
 * Sampling time of the full UNet at every step vs encoder propagation (same seeds and conditions),
 * the mean pixel difference between their images, and throughput of concurrent generations with
 * and without batching UNet calls across requests. Not a test: run it by hand (see the report).
 *
 * <p>Args: {@code seeds=6 steps=50 requests=16 concurrency=8 batch=8 delayMs=1 threads=0} (threads: ORT intra-op threads, 0 = ORT's default); the UNet comes from
 * {@code -Dneuropipe.generator.models} or {@code <neuropipe.root>/models/repository}. From the repository root:
 * <pre>
 * ./mvnw -B -o -q -pl services/image-generator -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * cd services/image-generator
 * echo "-cp target/test-classes:target/classes:$(cat target/test-classpath.txt)" &gt; target/bench.args
 * java @target/bench.args io.neuropipe.generator.bench.GeneratorBenchmark seeds=8 threads=1
 * </pre>
 * The class path goes through an argument file: ONNX Runtime 1.29's native start-up crashed (SIGSEGV, no
 * hs_err) here whenever the java command line was longer than about 4,000 characters.
 */
public final class GeneratorBenchmark {

    private record Mode(String label, String schedule, boolean parallel, boolean inject) {
    }

    public static void main(String[] args) {
        Map<String, String> a = new java.util.HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        int seeds = Integer.parseInt(a.getOrDefault("seeds", "6"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "50"));
        int requests = Integer.parseInt(a.getOrDefault("requests", "16"));
        int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "8"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "8"));
        int delayMs = Integer.parseInt(a.getOrDefault("delayMs", "1"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "0"));
        try (RealUnet unet = RealUnet.load(new OnnxRuntimeProperties(OnnxRuntimeProperties.ExecutionProvider.CPU, 0, 0, false, "",
                false, threads, 0))) {
            DirectUnetRunner direct = new DirectUnetRunner(unet.engine);
            UnetSpec spec = direct.spec();
            System.out.printf("UNet %s (sha %s..) + %s (sha %s..), %d steps, guidance 3.0, %d seeds, CPU cores %d, ORT intra-op threads %s%n",
                spec.encoderId(), spec.encoderSha256().substring(0, 12), spec.decoderId(), spec.decoderSha256().substring(0, 12), steps,
                seeds, Runtime.getRuntime().availableProcessors(), threads == 0 ? "default" : Integer.toString(threads));
            List<Mode> modes = List.of(new Mode("full UNet (propagation=off)", "off", false, false),
                new Mode("keysteps, sequential", "keysteps", false, true),
                new Mode("keysteps, parallel", "keysteps", true, true),
                new Mode("keysteps, sequential, no noise injection", "keysteps", false, false),
                new Mode("uniform every 4, sequential", "uniform", false, true),
                new Mode("uniform every 4, parallel", "uniform", true, true));
            // warm-up
            for (Mode m : modes) {
                new DdimSampler(direct).sample(request(spec, 999, plan(spec, m, steps)));
            }
            System.out.println();
            System.out.println("| mode | ms / image (median) | speed-up vs full | encoder calls | decoder calls | mean |pixel diff| vs full (0-255) | max |");
            System.out.println("|---|---|---|---|---|---|---|");
            // modes interleaved seed by seed, median per mode: the machine's load drifts less within a round
            int count = modes.size();
            List<List<float[]>> images = new ArrayList<>();
            List<List<Double>> millis = new ArrayList<>();
            SampleResult[] last = new SampleResult[count];
            for (int k = 0; k < count; k++) {
                images.add(new ArrayList<>());
                millis.add(new ArrayList<>());
            }
            for (int s = 0; s < seeds; s++) {
                for (int k = 0; k < count; k++) {
                    long start = System.nanoTime();
                    last[k] = new DdimSampler(direct).sample(request(spec, s, plan(spec, modes.get(k), steps)));
                    millis.get(k).add((System.nanoTime() - start) / 1e6);
                    images.get(k).add(last[k].image());
                }
            }
            double fullMs = median(millis.get(0));
            for (int k = 0; k < count; k++) {
                double ms = median(millis.get(k));
                double[] d = pixelDiff(images.get(0), images.get(k));
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.2fx | %d | %d | %.2f | %.0f |%n", modes.get(k).label(), ms, fullMs / ms,
                    last[k].encoderCalls(), last[k].decoderCalls(), d[0], d[1]);
            }
            System.out.println();
            System.out.printf("Throughput: %d generations of %d steps, %d at a time (batching: up to %d requests per model call, %d ms wait)%n",
                requests, steps, concurrency, batch, delayMs);
            System.out.println("| mode | runner | images / s (median of 3) | speed-up |");
            System.out.println("|---|---|---|---|");
            try (BatchingUnetRunner batching = new BatchingUnetRunner(unet.engine, batch, Duration.ofMillis(delayMs), 1024,
                new SimpleMeterRegistry())) {
                for (Mode m : List.of(modes.get(0), modes.get(1), modes.get(2))) {
                    throughput(batching, spec, m, steps, Math.min(requests, concurrency), concurrency); // warm-up
                    List<Double> plainRuns = new ArrayList<>();
                    List<Double> batchedRuns = new ArrayList<>();
                    for (int round = 0; round < 3; round++) {
                        plainRuns.add(throughput(direct, spec, m, steps, requests, concurrency));
                        batchedRuns.add(throughput(batching, spec, m, steps, requests, concurrency));
                    }
                    double plain = median(plainRuns);
                    double batched = median(batchedRuns);
                    System.out.printf(Locale.ROOT, "| %s | unbatched | %.2f | 1.00x |%n", m.label(), plain);
                    System.out.printf(Locale.ROOT, "| %s | batched | %.2f | %.2fx |%n", m.label(), batched, batched / plain);
                }
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double throughput(UnetRunner runner, UnetSpec spec, Mode m, int steps, int requests, int concurrency) {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            long start = System.nanoTime();
            List<CompletableFuture<SampleResult>> all = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                SampleRequest req = request(spec, 1000 + r, plan(spec, m, steps));
                all.add(CompletableFuture.supplyAsync(() -> new DdimSampler(runner).sample(req), pool));
            }
            all.forEach(CompletableFuture::join);
            return requests / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    private static SamplingPlan plan(UnetSpec spec, Mode m, int steps) {
        int[] keys = PropagationSchedules.builtIn().get(m.schedule()).keySteps(steps, StepParams.of(Map.of(), Map.of()), spec.propagation());
        return new SamplingPlan(m.schedule(), spec.schedule().timesteps(steps), keys, m.parallel(), 16,
            m.inject() ? spec.propagation().injectionBelowT() : 0, spec.propagation().injectionScale());
    }

    /** A unit-norm condition and the initial noise of one seed. */
    private static SampleRequest request(UnetSpec spec, long seed, SamplingPlan plan) {
        float[] cond = SeededNoise.gaussian(seed + 7_000_000L, spec.conditionDim());
        double norm = 0;
        for (float v : cond) {
            norm += v * v;
        }
        for (int i = 0; i < cond.length; i++) {
            cond[i] /= (float) Math.sqrt(norm);
        }
        return new SampleRequest(cond, SeededNoise.gaussian(seed, 3 * spec.imageSize() * spec.imageSize()), 3.0, plan);
    }

    /** Mean and max absolute difference in 8-bit pixel values. */
    private static double[] pixelDiff(List<float[]> a, List<float[]> b) {
        double sum = 0;
        double max = 0;
        long n = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < a.get(i).length; j++) {
                double d = Math.abs(toByte(a.get(i)[j]) - toByte(b.get(i)[j]));
                sum += d;
                max = Math.max(max, d);
                n++;
            }
        }
        return new double[] {sum / n, max};
    }

    private static int toByte(float v) {
        return (int) Math.max(0, Math.min(255, Math.round((v + 1) * 127.5f)));
    }
}
