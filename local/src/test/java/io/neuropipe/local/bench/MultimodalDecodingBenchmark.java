package io.neuropipe.local.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.decoder.config.DecoderProperties;
import io.neuropipe.decoder.config.MultimodalProperties;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.kv.PrefixCache;
import io.neuropipe.decoder.kv.PrefixCacheProperties;
import io.neuropipe.decoder.sched.BatchingProperties;
import io.neuropipe.decoder.sched.ContinuousBatchingEngine;
import io.neuropipe.decoder.spec.LookupProposer;
import io.neuropipe.decoder.spec.SpeculationParams;
import io.neuropipe.decoder.spec.SpeculationProperties;
import io.neuropipe.decoder.spec.SpeculativeGenerator;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.decoder.prefix.ProbeModel;
import io.neuropipe.decoder.step.DecodeStep;
import io.neuropipe.decoder.step.MultimodalOptionsParser;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.pruner.config.PrunerProperties;
import io.neuropipe.pruner.domain.ClsTopKPruning;
import io.neuropipe.pruner.domain.DamroPruning;
import io.neuropipe.pruner.domain.MustDropPruning;
import io.neuropipe.pruner.domain.NoPruning;
import io.neuropipe.pruner.domain.RandomPruning;
import io.neuropipe.pruner.domain.ZipVlPruning;
import io.neuropipe.pruner.engine.VisionEncoderEngine;
import io.neuropipe.pruner.step.PruneStep;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.step.PartialOutputSink;
import io.neuropipe.runtime.step.StageTimings;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 5's accuracy/latency curve through the real steps: the {@code prune} step (vision side) feeds its artifacts to
 * the {@code decode} step with the decoder's multimodal options (FastV, MustDrop's text-guided stage, DAMRO). A
 * benchmark, not a test.
 *
 * <p>Per image and configuration: greedy {@code caption:} (attribute accuracy over the primary shape's shape, colour,
 * size, position) and every {@code question: q answer:} (exact match). Timing: on the first {@code bench.timed}
 * images (default 24) the caption decode runs {@code bench.repeats} more times (default 5), round-robin over the
 * configurations; per image the median of {@code decode.prefill_us} (prefill incl. the attention probe and DAMRO's
 * outlier branch) and of the decode step's inference time (prefill + all decode steps), averaged over the timed
 * images. ONNX Runtime CPU, 1 intra-op thread.
 *
 * <p>System properties: {@code neuropipe.root}, {@code bench.images} (folder with {@code index.json} +
 * {@code images.u8}, written by {@code services/token-pruner/src/test/python/heldout_images.py}), {@code bench.limit}
 * (images used), {@code bench.only} (run only configurations whose label contains it). Argument: output file.
 */
public final class MultimodalDecodingBenchmark {

    private static final Pattern TRIPLE = Pattern.compile("\\b(small|large) (\\w+) (\\w+)\\b ?(on the left|on the right|at the top"
        + "|at the bottom|in the center|left of|right of|above|below)?");
    private static final Map<String, String> WHERE = Map.of("on the left", "left", "on the right", "right", "at the top", "top",
        "at the bottom", "bottom", "in the center", "center", "left of", "left", "right of", "right", "above", "top", "below", "bottom");
    private static final List<String> ATTRIBUTES = List.of("shape", "colour", "size", "position");

    private MultimodalDecodingBenchmark() {
    }

    record Config(String strategy, String pruneSetting, Map<String, String> pruneParams, String decodeSetting,
                  Map<String, String> decodeParams) {

        String label() {
            return strategy + " " + pruneSetting + " | " + decodeSetting;
        }
    }

    record Sample(Artifact image, Map<String, String> attributes, List<String[]> qa) {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("neuropipe.root", "."));
        int repeats = Integer.getInteger("bench.repeats", 5);
        int limit = Integer.getInteger("bench.limit", Integer.MAX_VALUE);
        String only = System.getProperty("bench.only", "");
        Path dir = Path.of(System.getProperty("bench.images", root.resolve("local/target/heldout-test").toString()));
        var threads = new OnnxRuntimeProperties(OnnxRuntimeProperties.ExecutionProvider.CPU, 0, 0, false, "", false, 1, 1);
        try (ModelRepository models = new ModelRepository(new ModelRepositoryProperties(root.resolve("models/repository"), Map.of(),
                Duration.ZERO, Duration.ZERO, true), new ExecutionProviders(threads), new SimpleMeterRegistry())) {
            PrunerProperties pp = new PrunerProperties("image-encoder", "none", 1 << 22, 2048);
            StepHandler prune = new PruneStep(new VisionEncoderEngine(models, pp), pp, List.of(new NoPruning(), new RandomPruning(),
                new ClsTopKPruning(), new MustDropPruning(), new ZipVlPruning(), new DamroPruning()), new SimpleMeterRegistry());
            DecoderProperties dp = new DecoderProperties("lm", "lm-embed", "vision-projector", "brain-projector", 32, 256, 256);
            LanguageModelEngine engine = new LanguageModelEngine(models, dp);
            MultimodalProperties mp = MultimodalProperties.defaults();
            SpeculationProperties spec = SpeculationProperties.defaults();
            SpeculativeGenerator speculative = new SpeculativeGenerator(engine, models, spec, List.of(new LookupProposer()),
                new SimpleMeterRegistry());
            ContinuousBatchingEngine batching = new ContinuousBatchingEngine(engine, BatchingProperties.defaults(),
                new PrefixCache(models, PrefixCacheProperties.defaults()));
            StepHandler decode = new DecodeStep(engine, new Generator(engine), batching, dp, PrefixCacheProperties.defaults(), speculative,
                new SpeculationParams(spec, speculative), new MultimodalOptionsParser(engine, new ProbeModel(models, mp), mp));
            List<Sample> samples = samples(dir, limit);
            int timed = Math.min(samples.size(), Integer.getInteger("bench.timed", 24));
            StringBuilder table = new StringBuilder();
            table.append(samples.size()).append(" images (").append(dir.getFileName()).append("), ")
                .append(samples.stream().mapToInt(s -> s.qa().size()).sum()).append(" questions; timing on ").append(timed)
                .append(" images, median of ").append(repeats).append(" caption decodes each; speed-ups against the first row\n\n")
                .append("| pruner | pruner setting | decoder option | LLM prefill tokens (mean) | kept % | prefill ms (incl. probe) "
                    + "| prefill speed-up | prefill+decode ms | speed-up | caption attr. acc | shape | colour | size | position "
                    + "| question acc |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            List<Config> configs = configs().stream().filter(c -> c.label().contains(only)).toList();
            List<List<Map<String, Artifact>>> timedInputs = new ArrayList<>();
            configs.forEach(c -> timedInputs.add(new ArrayList<>()));
            List<String> rows = new ArrayList<>();
            for (int c = 0; c < configs.size(); c++) {
                Config config = configs.get(c);
                double kept = 0;
                int[] hits = new int[4];
                int questions = 0;
                int right = 0;
                for (int i = 0; i < samples.size(); i++) {
                    Sample s = samples.get(i);
                    Map<String, Artifact> pruned = new HashMap<>();
                    run(prune, "prune", Map.of("image", s.image()), config.pruneParams(), new StageTimings()).artifacts()
                        .forEach(a -> pruned.put(a.getName(), a));
                    Map<String, String> captionParams = new HashMap<>(config.decodeParams());
                    captionParams.put("prompt", "caption:");
                    captionParams.put("max_tokens", "24");
                    StepOutput caption = run(decode, "decode", pruned, captionParams, new StageTimings());
                    kept += Double.parseDouble(caption.provenance().getOrDefault("decode.prefix_kept",
                        caption.provenance().get("decode.prefix_tokens")));
                    if (i < timed) {
                        timedInputs.get(c).add(pruned);
                    }
                    Map<String, String> parsed = parse(caption.artifacts().get(0).getText().trim());
                    for (int a = 0; a < 4; a++) {
                        hits[a] += s.attributes().get(ATTRIBUTES.get(a)).equals(parsed.get(ATTRIBUTES.get(a))) ? 1 : 0;
                    }
                    for (String[] qa : s.qa()) {
                        Map<String, String> p = new HashMap<>(config.decodeParams());
                        p.put("prompt", "question: " + qa[0] + " answer:");
                        p.put("max_tokens", "6");
                        right += run(decode, "decode", pruned, p, new StageTimings()).artifacts().get(0).getText().trim().equals(qa[1]) ? 1 : 0;
                        questions++;
                    }
                }
                int n = samples.size();
                double[] acc = Arrays.stream(hits).mapToDouble(h -> (double) h / n).toArray();
                rows.add(String.format(Locale.ROOT, "%s | %s | %s | %.1f | %.1f | %%s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                    config.strategy(), config.pruneSetting(), config.decodeSetting(), kept / n, 100 * kept / n / 256,
                    Arrays.stream(acc).average().orElse(0), acc[0], acc[1], acc[2], acc[3], (double) right / questions));
                System.out.print(rows.get(c));
            }
            // timing round-robin over the configurations, so that load changes on the shared machine hit all of them alike
            long[][][] prefills = new long[configs.size()][timed][repeats];
            long[][][] totals = new long[configs.size()][timed][repeats];
            for (int r = 0; r < repeats; r++) {
                for (int i = 0; i < timed; i++) {
                    for (int c = 0; c < configs.size(); c++) {
                        Map<String, String> captionParams = new HashMap<>(configs.get(c).decodeParams());
                        captionParams.put("prompt", "caption:");
                        captionParams.put("max_tokens", "24");
                        StageTimings timings = new StageTimings();
                        StepOutput out = run(decode, "decode", timedInputs.get(c).get(i), captionParams, timings);
                        prefills[c][i][r] = Long.parseLong(out.provenance().get("decode.prefill_us"));
                        totals[c][i][r] = timings.inferenceMicros();
                    }
                }
            }
            double[] prefill = new double[configs.size()];
            double[] total = new double[configs.size()];
            for (int c = 0; c < configs.size(); c++) {
                for (int i = 0; i < timed; i++) {
                    prefill[c] += median(prefills[c][i]) / 1000.0 / timed;
                    total[c] += median(totals[c][i]) / 1000.0 / timed;
                }
                String times = String.format(Locale.ROOT, "%.3f | %.2fx | %.3f | %.2fx", prefill[c], prefill[0] / prefill[c], total[c],
                    total[0] / total[c]);
                table.append("| ").append(String.format(Locale.ROOT, rows.get(c), times));
            }
            System.out.println();
            System.out.println(table);
            if (args.length > 0) {
                Files.writeString(Path.of(args[0]), table);
            }
        }
    }

    private static List<Config> configs() {
        List<Config> c = new ArrayList<>();
        Map<String, String> none = Map.of();
        c.add(new Config("none", "-", none, "-", none));
        c.add(new Config("random", "ratio 0.25", Map.of("strategy", "random", "ratio", "0.25", "seed", "0"), "-", none));
        c.add(new Config("cls-topk", "ratio 0.25", Map.of("strategy", "cls-topk", "ratio", "0.25"), "-", none));
        for (String r : List.of("0.5", "0.75")) {
            c.add(new Config("none", "-", none, "FastV R " + r, Map.of("fastv_ratio", r)));
        }
        c.add(new Config("cls-topk", "ratio 0.5", Map.of("strategy", "cls-topk", "ratio", "0.5"), "FastV R 0.5", Map.of("fastv_ratio", "0.5")));
        Map<String, String> merge = Map.of("strategy", "mustdrop");
        c.add(new Config("mustdrop", "merge only", merge, "-", Map.of("llm_pruning", "none")));
        for (String[] t : new String[][] {{"0.005", "0.02"}, {"0.01", "0.05"}}) {
            c.add(new Config("mustdrop", "merge only", merge, "text stage g " + t[0] + " i " + t[1],
                Map.of("mustdrop_global", t[0], "mustdrop_individual", t[1])));
        }
        c.add(new Config("mustdrop", "ratio 0.25", Map.of("strategy", "mustdrop", "ratio", "0.25"), "-", Map.of("llm_pruning", "none")));
        for (String a : List.of("0.5", "1")) {
            c.add(new Config("damro", "all tokens", Map.of("strategy", "damro"), "DAMRO a " + a + " b 0.1", Map.of("damro_alpha", a)));
        }
        c.add(new Config("damro", "ratio 0.25", Map.of("strategy", "damro", "ratio", "0.25"), "DAMRO a 0.5 b 0.1", Map.of("damro_alpha", "0.5")));
        return c;
    }

    private static StepOutput run(StepHandler step, String name, Map<String, Artifact> artifacts, Map<String, String> params,
                                  StageTimings timings) {
        RouteNode node = RouteNode.newBuilder().setId(name).setStep(name).putAllParams(params).build();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("bench").setRoute(node).setCurrentStepId(name)
            .putAllArtifacts(artifacts).build();
        return step.handle(new StepInput(envelope, node, PartialOutputSink.NONE, timings));
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static List<Sample> samples(Path dir, int limit) throws Exception {
        JsonNode index = JsonMapper.builder().build().readTree(Files.readString(dir.resolve("index.json")));
        byte[] packed = Files.readAllBytes(dir.resolve("images.u8"));
        int bytes = 32 * 32 * 3;
        List<Sample> samples = new ArrayList<>();
        for (JsonNode stim : index.path("stimuli")) {
            if (samples.size() == limit) {
                break;
            }
            int i = Integer.parseInt(stim.path("file").asString().substring(1));
            Tensor pixels = Tensor.newBuilder().setDtype(DataType.UINT8).addShape(32).addShape(32).addShape(3)
                .setRawData(ByteString.copyFrom(packed, i * bytes, bytes)).build();
            Map<String, String> attributes = new LinkedHashMap<>();
            ATTRIBUTES.forEach(key -> attributes.put(key, stim.path(key).asString()));
            List<String[]> qa = new ArrayList<>();
            stim.path("qa").forEach(pair -> qa.add(new String[] {pair.get(0).asString(), pair.get(1).asString()}));
            samples.add(new Sample(Artifact.newBuilder().setName("image").setTensor(pixels).build(), attributes, qa));
        }
        return samples;
    }

    /** The primary shape's attributes: the first "size colour shape" of the caption and the position phrase after it. */
    static Map<String, String> parse(String caption) {
        Map<String, String> out = new HashMap<>();
        Matcher m = TRIPLE.matcher(caption);
        if (m.find()) {
            out.put("size", m.group(1));
            out.put("colour", m.group(2));
            out.put("shape", m.group(3));
            if (m.group(4) != null) {
                out.put("position", WHERE.get(m.group(4)));
            }
        }
        return out;
    }
}
