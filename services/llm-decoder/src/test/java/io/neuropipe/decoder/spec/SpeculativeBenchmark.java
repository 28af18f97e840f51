package io.neuropipe.decoder.spec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ModelRepository;

/**
 * Tokens/s of plain KV-cache greedy decoding vs speculative decoding with each proposer on the same requests (the zoo
 * samples: vision prefix of 256 or 86 patches, brain prefix; caption prompt and every question), modes interleaved
 * per request so background load hits all alike. Checks every speculative output is token-identical to plain.
 * Captions only unless {@code -Dbench.questions=true} (answers are one word, so those requests are all prefill).
 * ONNX Runtime with {@code bench.threads} intra-op threads (default 1; the same setting for every mode) and 1 inter-op
 * thread. Args: output markdown file; system properties {@code bench.repeats} (default 5), {@code bench.maxTokens} (32).
 */
public final class SpeculativeBenchmark {

    /**
     * {@code proposer[:tree][@minProbability][#paths|#heads]} (#paths: verified as a batch of paths; #heads: Medusa
     * verifying through {@code lm-tree} plus a separate heads run per step instead of the fused {@code lm-tree-medusa}),
     * space-separated
     * ({@code -Dbench.modes}); configured defaults otherwise.
     */
    private static final List<String> MODES = List.of(System.getProperty("bench.modes",
        "plain medusa@0 medusa@0.05 medusa@0.1 medusa@0.2 medusa:0;0,0;0,0,0@0 hydra@0 hydra@0.05 hydra@0.1 hydra@0.2 lookup").split(" "));

    /**
     * ONNX Runtime runs on the calling thread (1 intra-op thread), so its CPU time is the request's compute (with more
     * intra-op threads it misses the pool threads' share). The decode phase in CPU time runs from the first streamed
     * text (prefill and first token done, in every mode) to the end of the request; it is steadier than wall time on a
     * shared machine.
     */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SpeculativeBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int repeats = Integer.getInteger("bench.repeats", 5);
        int maxTokens = Integer.getInteger("bench.maxTokens", 32);
        Path out = Path.of(args.length > 0 ? args[0] : "target/speculative-benchmark.md");
        boolean questions = Boolean.getBoolean("bench.questions");
        int threads = Integer.getInteger("bench.threads", 1);
        var runtime = new OnnxRuntimeProperties(OnnxRuntimeProperties.ExecutionProvider.CPU, 0, 0, false, "", false, threads, 1);
        try (ModelRepository models = ZooRequests.repository(runtime)) {
            LanguageModelEngine engine = new LanguageModelEngine(models, ZooRequests.decoderProperties());
            SpeculationProperties props = SpeculationProperties.defaults();
            Generator plain = new Generator(engine);
            SpeculativeGenerator speculative = generator(models, engine, props);
            SpeculativeGenerator separateHeads = generator(models, engine, new SpeculationProperties(props.treeModel(), "",
                props.medusaModel(), props.hydraModel(), props.medusaTree(), props.hydraTree(), props.maxTreeNodes(),
                props.minPathProbability(), props.lookupDraft(), props.lookupNgram(), props.typicalEpsilon(), props.typicalDelta()));
            List<ZooRequests.Case> cases = ZooRequests.cases(models, engine, maxTokens, true, questions);
            Map<String, Totals> totals = new LinkedHashMap<>();
            MODES.forEach(m -> totals.put(m, new Totals()));
            Map<String, SpeculationOptions> options = new LinkedHashMap<>();
            MODES.stream().filter(m -> !m.equals("plain")).forEach(m -> options.put(m, options(props, m.replace("#heads", ""))));
            for (int round = -1; round < repeats; round++) {
                for (ZooRequests.Case c : cases) {
                    List<Integer> reference = null;
                    for (String mode : MODES) {
                        long start = System.nanoTime();
                        long cpuStart = THREADS.getCurrentThreadCpuTime();
                        long[] firstText = new long[1];
                        java.util.function.Consumer<String> onText = d -> {
                            if (firstText[0] == 0) {
                                firstText[0] = THREADS.getCurrentThreadCpuTime();
                            }
                        };
                        Generation g;
                        SpeculationStats stats = null;
                        if (mode.equals("plain")) {
                            g = plain.generate(c.request(), onText);
                        } else {
                            SpeculativeGeneration s = (mode.endsWith("#heads") ? separateHeads : speculative)
                                .generate(c.request(), options.get(mode), onText);
                            g = s.generation();
                            stats = s.stats();
                        }
                        long nanos = System.nanoTime() - start;
                        long cpuEnd = THREADS.getCurrentThreadCpuTime();
                        long cpuNanos = cpuEnd - cpuStart;
                        if (round < 0) {
                            continue; // warm-up
                        }
                        Totals t = totals.get(mode);
                        t.add(g, nanos, stats);
                        t.cpuNanos += cpuNanos;
                        t.decodeCpuNanos += firstText[0] == 0 ? 0 : cpuEnd - firstText[0];
                        if (reference == null) {
                            reference = g.tokens();
                        } else if (!reference.equals(g.tokens())) {
                            t.mismatches++;
                        }
                    }
                }
            }
            String report = report(totals, cases.size(), repeats, maxTokens);
            System.out.println(report);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            engine.close();
        }
    }

    private static SpeculativeGenerator generator(ModelRepository models, LanguageModelEngine engine, SpeculationProperties props) {
        return new SpeculativeGenerator(engine, models, props, List.of(new MedusaProposer(models, props),
            new HydraProposer(models, engine, props), new LookupProposer()), new SimpleMeterRegistry());
    }

    private static SpeculationOptions options(SpeculationProperties props, String mode) {
        boolean paths = mode.endsWith("#paths");
        String[] withProbability = mode.replace("#paths", "").split("@", 2);
        String[] parts = withProbability[0].split(":", 2);
        String proposer = parts[0];
        String tree = parts.length > 1 ? parts[1] : proposer.equals("hydra") ? props.hydraTree() : props.medusaTree();
        double minProbability = withProbability.length > 1 ? Double.parseDouble(withProbability[1]) : props.minPathProbability();
        return new SpeculationOptions(proposer, TreeShape.parse(tree), props.lookupDraft(), props.lookupNgram(), new GreedyAcceptance(),
            minProbability, !paths);
    }

    private static String report(Map<String, Totals> totals, int requests, int repeats, int maxTokens) {
        Totals base = totals.get("plain");
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d requests x %d rounds, max %d new tokens, %d tokens per round, %d intra-op thread(s)%n%n",
            requests, repeats, maxTokens, base.tokens / repeats, Integer.getInteger("bench.threads", 1)));
        md.append("| mode | tokens/s (whole request) | speed-up | tokens/s (decode phase) | speed-up | CPU-time speed-up (whole request) "
            + "| CPU-time speed-up (decode phase) | mean accepted length | acceptance by depth | outputs identical to plain |\n"
            + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (var e : totals.entrySet()) {
            Totals t = e.getValue();
            md.append(String.format(Locale.ROOT, "| `%s` | %.0f | %.2fx | %.0f | %.2fx | %.2fx | %.2fx | %s | %s | %s |%n", e.getKey(), t.rate(),
                t.rate() / base.rate(), t.decodeRate(), t.decodeRate() / base.decodeRate(), (double) base.cpuNanos / t.cpuNanos,
                (double) base.decodeCpuNanos / t.decodeCpuNanos, t.steps == 0 ? "1 (by definition)" : String.format(Locale.ROOT, "%.2f",
                    (double) (t.acceptedDrafts + t.steps) / t.steps), t.depths(), e.getKey().equals("plain") ? "-"
                    : (t.mismatches == 0 ? "yes, all " + t.requests : t.mismatches + " of " + t.requests + " differ")));
        }
        return md.toString();
    }

    private static final class Totals {
        long tokens;
        long nanos;
        long cpuNanos;
        long decodeCpuNanos;
        long prefillNanos;
        int requests;
        int mismatches;
        long steps;
        long acceptedDrafts;
        List<long[]> depth = new ArrayList<>();

        void add(Generation g, long elapsed, SpeculationStats stats) {
            tokens += g.tokens().size();
            nanos += elapsed;
            prefillNanos += g.prefillMicros() * 1000;
            requests++;
            if (stats != null) {
                steps += stats.steps();
                acceptedDrafts += stats.acceptedDrafts();
                for (int d = 0; d < stats.draftedAtDepth().length; d++) {
                    while (depth.size() <= d) {
                        depth.add(new long[2]);
                    }
                    depth.get(d)[0] += stats.draftedAtDepth()[d];
                    depth.get(d)[1] += stats.acceptedAtDepth()[d];
                }
            }
        }

        double rate() {
            return tokens / (nanos / 1e9);
        }

        double decodeRate() {
            return tokens / ((nanos - prefillNanos) / 1e9);
        }

        String depths() {
            if (depth.isEmpty()) {
                return "-";
            }
            List<String> parts = new ArrayList<>();
            for (long[] d : depth) {
                parts.add(String.format(Locale.ROOT, "%.2f", (double) d[1] / d[0]));
            }
            return String.join(" / ", parts);
        }
    }
}
