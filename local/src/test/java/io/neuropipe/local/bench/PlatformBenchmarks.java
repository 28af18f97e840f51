package io.neuropipe.local.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.local.LocalOptions;
import io.neuropipe.local.LocalStack;
import io.neuropipe.runtime.batch.DynamicBatcher;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Platform cost and dynamic batching, measured in one run (a benchmark, not a test):
 * <ol>
 *   <li>the EEG encoder called in-process through ONNX Runtime, at concurrency 1 and 16;</li>
 *   <li>the same model through gateway -> Kafka -> neural-encoder -> Kafka -> gateway
 *       (pipeline {@code eeg-encode}), at concurrency 1 and 16;</li>
 *   <li>in-process throughput at concurrency 16 with dynamic batching vs batch size 1.</li>
 * </ol>
 * Run: see docs/BENCHMARKS.md.
 */
public final class PlatformBenchmarks {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CONCURRENCY = 16;
    private static final Duration WINDOW = Duration.ofSeconds(Long.getLong("bench.seconds", 20));

    private PlatformBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("neuropipe.root", ".."));
        Path repository = root.resolve("models/repository");
        float[] trial = io.neuropipe.local.BenchSamples.eegTrial(root);
        String body = io.neuropipe.local.BenchSamples.eegEncodeJob(trial, Map.of());

        var props = new ModelRepositoryProperties(repository, Map.of(), Duration.ZERO, Duration.ZERO, true);
        var threads = new OnnxRuntimeProperties(OnnxRuntimeProperties.ExecutionProvider.CPU, 0, 0, false, "", false, 1, 1);
        try (ModelRepository models = new ModelRepository(props, new ExecutionProviders(threads), new SimpleMeterRegistry())) {
            OnnxModel eeg = models.model("eeg-encoder");
            Stats inproc1 = latencies(300, () -> encode(eeg, List.of(trial)));
            double inprocBatch1 = throughput(CONCURRENCY, () -> encode(eeg, List.of(trial)));
            double inprocBatched;
            try (var batcher = new DynamicBatcher<float[], float[]>("bench", 32, Duration.ofMillis(2), 1024,
                    batch -> encode(eeg, batch), new SimpleMeterRegistry())) {
                inprocBatched = throughput(CONCURRENCY, () -> batcher.submit(trial).join());
            }

            Path data = Files.createTempDirectory("neuropipe-bench-");
            try (LocalStack stack = new LocalStack(new LocalOptions(data, repository, 0, false, 0, 0)).start()) {
                HttpClient http = HttpClient.newHttpClient();
                String url = stack.gatewayUrl();
                for (int i = 0; i < 20; i++) {
                    runJob(http, url, body);
                }
                Stats platform1 = latencies(200, () -> runJob(http, url, body));
                double platformSaturated = throughput(CONCURRENCY, () -> runJob(http, url, body));

                System.out.println();
                System.out.println("| measurement | value |");
                System.out.println("|---|---|");
                row("in-process eeg-encoder, concurrency 1", inproc1.toString());
                row("platform eeg-encode job (REST -> Kafka -> service -> Kafka -> PostgreSQL -> REST), concurrency 1", platform1.toString());
                row("added latency at concurrency 1 (p50 platform - p50 in-process)", fmt(platform1.p50() - inproc1.p50()) + " ms");
                row("in-process, concurrency 16, batch size 1", fmt(inprocBatch1) + " inferences/s");
                row("in-process, concurrency 16, dynamic batching (max 32, 2 ms)", fmt(inprocBatched) + " inferences/s");
                row("dynamic batching speed-up (16 concurrent, batched / batch 1)", fmt(inprocBatched / inprocBatch1) + "x");
                row("platform, concurrency 16 (saturated)", fmt(platformSaturated) + " jobs/s");
                row("platform cost at saturation (time per inference, platform / in-process batched)",
                    fmt(inprocBatched / platformSaturated) + "x");
            }
        }
        System.exit(0);
    }

    private static void row(String name, String value) {
        System.out.println("| " + name + " | " + value + " |");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static List<float[]> encode(OnnxModel model, List<float[]> trials) {
        int n = trials.size();
        float[] stacked = new float[n * 63 * 250];
        for (int i = 0; i < n; i++) {
            System.arraycopy(trials.get(i), 0, stacked, i * 63 * 250, 63 * 250);
        }
        long[] subjects = new long[n];
        java.util.Arrays.fill(subjects, 4);
        try (InferenceScope scope = model.scope()) {
            float[] out = scope.run(model, Map.of("eeg", scope.floats(stacked, n, 63, 250), "subject", scope.longs(subjects, n)))
                .floats("embedding");
            List<float[]> result = new ArrayList<>();
            int d = out.length / n;
            for (int i = 0; i < n; i++) {
                result.add(java.util.Arrays.copyOfRange(out, i * d, (i + 1) * d));
            }
            return result;
        }
    }

    private static Stats latencies(int n, Supplier<?> call) {
        for (int i = 0; i < Math.min(20, n); i++) {
            call.get();
        }
        long[] samples = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            call.get();
            samples[i] = System.nanoTime() - t;
        }
        return Stats.of(samples);
    }

    private static double throughput(int concurrency, Supplier<?> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicLong done = new AtomicLong();
        long warmEnd = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        long end = warmEnd + WINDOW.toNanos();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < end) {
                    call.get();
                    long now = System.nanoTime();
                    if (now >= warmEnd && now < end) {
                        done.incrementAndGet();
                    }
                }
            }, pool));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();
        pool.shutdown();
        return done.get() / (WINDOW.toNanos() / 1e9);
    }


    /** Submits a job and waits for DONE with the gateway's waiting GET. */
    private static Object runJob(HttpClient http, String url, String body) {
        try {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/jobs"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 202) {
                throw new IllegalStateException("Job not accepted: " + created.body());
            }
            String id = JSON.readTree(created.body()).path("id").asString();
            HttpRequest poll = HttpRequest.newBuilder(URI.create(url + "/v1/jobs/" + id + "?wait=30s")).GET().build();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < end) {
                JsonNode job = JSON.readTree(http.send(poll, HttpResponse.BodyHandlers.ofString()).body());
                String status = job.path("status").asString();
                if (status.equals("DONE")) {
                    return job;
                }
                if (status.equals("FAILED")) {
                    throw new IllegalStateException("Job failed: " + job);
                }
            }
            throw new IllegalStateException("Job " + id + " did not finish in 60 s");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
