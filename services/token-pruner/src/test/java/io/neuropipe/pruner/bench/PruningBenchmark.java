package io.neuropipe.pruner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.pruner.config.PrunerProperties;
import io.neuropipe.pruner.domain.ClsTopKPruning;
import io.neuropipe.pruner.domain.DamroPruning;
import io.neuropipe.pruner.domain.MustDropPruning;
import io.neuropipe.pruner.domain.NoPruning;
import io.neuropipe.pruner.domain.PrefillFlops;
import io.neuropipe.pruner.domain.PruningStrategy;
import io.neuropipe.pruner.domain.RandomPruning;
import io.neuropipe.pruner.domain.VisionTokens;
import io.neuropipe.pruner.domain.ZipVlPruning;
import io.neuropipe.pruner.engine.VisionEncoderEngine;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.image.ImagePreprocessor;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.step.StepParams;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Strategy x kept ratio -> caption attribute accuracy, question accuracy and decoder prefill time, on the zoo's
 * sample images ({@code models/samples/index.json}: captions with attributes and question/answer pairs). A
 * benchmark, not a test.
 *
 * <p>Per image: the vision encoder runs once; each configuration prunes its tokens, then
 * <ul>
 *   <li>prefill time: the {@code lm} graph on [kept vision tokens + {@code <s> caption:}] with an empty KV cache,
 *       one warm-up then the median of {@code bench.repeats} runs (ONNX Runtime on CPU, 1 intra-op thread);</li>
 *   <li>caption: greedy decoding after {@code caption:}; the first "size colour shape" and the position phrase
 *       are compared with the primary shape's attributes (attribute accuracy = mean over shape, colour, size,
 *       position);</li>
 *   <li>questions: greedy answer to every {@code question: q answer:} of the image, exact match.</li>
 * </ul>
 * Vision position ids are the kept tokens' grid indices and the text starts at 256, as in the decoder.
 *
 * <p>Run: see {@link PruningBenchmarkRun} (through Surefire; a plain {@code java -cp} launch crashed in ONNX
 * Runtime's native library on the build machine). System properties: {@code neuropipe.root} (repository root),
 * {@code bench.repeats} (timed prefills per image and configuration, default 20), {@code bench.timed}
 * (images whose prefill is timed, default 24: the time depends on the token count only), {@code bench.images}
 * (a folder with {@code index.json}, and {@code images.u8} for entries named {@code #i}; default
 * {@code models/samples}; {@code src/test/python/heldout_images.py} writes the zoo's 200 held-out test images).
 */
public final class PruningBenchmark {

    private static final Pattern TRIPLE = Pattern.compile("\\b(small|large) (\\w+) (\\w+)\\b ?(on the left|on the right|at the top"
        + "|at the bottom|in the center|left of|right of|above|below)?");
    private static final Map<String, String> POSITION = Map.of("on the left", "left", "on the right", "right", "at the top", "top",
        "at the bottom", "bottom", "in the center", "center", "left of", "left", "right of", "right", "above", "top", "below", "bottom");

    private PruningBenchmark() {
    }

    record Config(String label, PruningStrategy strategy, Map<String, String> params) {
    }

    record Sample(String file, VisionTokens tokens, Map<String, String> attributes, List<String[]> qa) {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("neuropipe.root", "."));
        System.out.println("pruning benchmark on " + root.toAbsolutePath().normalize());
        int repeats = Integer.getInteger("bench.repeats", 20);
        Path repository = root.resolve("models/repository");
        var threads = new OnnxRuntimeProperties(OnnxRuntimeProperties.ExecutionProvider.CPU, 0, 0, false, "", false, 1, 1);
        try (ModelRepository models = new ModelRepository(new ModelRepositoryProperties(repository, Map.of(), Duration.ZERO,
                Duration.ZERO, true), new ExecutionProviders(threads), new SimpleMeterRegistry())) {
            for (String needed : List.of("image-encoder", "lm", "lm-embed", "vision-projector")) {
                if (!models.names().contains(needed)) {
                    throw new IllegalStateException("models/repository has no '" + needed + "'");
                }
            }
            PrunerProperties props = new PrunerProperties("image-encoder", "none", 1 << 22, 2048);
            VisionEncoderEngine encoder = new VisionEncoderEngine(models, props);
            ImagePreprocessor preprocessor = new ImagePreprocessor(encoder.card(), props.maxImageBytes(), props.maxImageSide());
            String images = System.getProperty("bench.images", "");
            Path dir = images.isEmpty() ? root.resolve("models/samples") : Path.of(images);
            List<Sample> samples = samples(dir, encoder, preprocessor);
            int timed = Math.min(samples.size(), Integer.getInteger("bench.timed", 24));
            try (LanguageModelProbe probe = new LanguageModelProbe(models)) {
                StringBuilder table = new StringBuilder();
                table.append("Pruning benchmark: ").append(samples.size()).append(" images (").append(dir.getFileName())
                    .append("), ").append(samples.stream().mapToInt(s -> s.qa().size()).sum()).append(" questions; lm ")
                    .append(models.card("lm").id()).append(", image-encoder ").append(encoder.card().id())
                    .append("; prefill = median of ").append(repeats).append(" runs on each of the first ").append(timed)
                    .append(" images, CPU, 1 intra-op thread\n\n")
                    .append("| strategy | setting | kept tokens (mean) | kept % | prefill ms | speed-up | est. FLOPs saved "
                        + "| caption attr. acc | shape | colour | size | position | question acc |\n")
                    .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
                double baseline = 0;
                for (Config config : configs()) {
                    double tokens = 0;
                    double millis = 0;
                    double flops = 0;
                    int[] attributeHits = new int[4];
                    int questions = 0;
                    int answered = 0;
                    for (int i = 0; i < samples.size(); i++) {
                        Sample s = samples.get(i);
                        VisionTokens kept = config.strategy().prune(s.tokens(), StepParams.of(config.params(), Map.of())).kept();
                        tokens += kept.count();
                        flops += PrefillFlops.savedRatio(kept.count(), s.tokens().count());
                        LanguageModelProbe.Sequence caption = probe.sequence(kept, "caption:");
                        if (i < timed) {
                            probe.prefillNanos(caption);
                            long[] runs = new long[repeats];
                            for (int r = 0; r < repeats; r++) {
                                runs[r] = probe.prefillNanos(caption);
                            }
                            Arrays.sort(runs);
                            millis += runs[repeats / 2] / 1e6;
                        }
                        Map<String, String> parsed = parse(probe.greedy(caption, 24));
                        int a = 0;
                        for (String key : List.of("shape", "colour", "size", "position")) {
                            attributeHits[a++] += s.attributes().get(key).equals(parsed.get(key)) ? 1 : 0;
                        }
                        for (String[] qa : s.qa()) {
                            String answer = probe.greedy(probe.sequence(kept, "question: " + qa[0] + " answer:"), 6);
                            answered += answer.equals(qa[1]) ? 1 : 0;
                            questions++;
                        }
                    }
                    int n = samples.size();
                    double ms = millis / timed;
                    if (config.label().equals("none")) {
                        baseline = ms;
                    }
                    double[] acc = Arrays.stream(attributeHits).mapToDouble(h -> (double) h / n).toArray();
                    table.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.3f | %.2fx | %.1f %% | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                        config.strategy().name(), config.label(), tokens / n, 100 * tokens / n / 256, ms, baseline / ms,
                        100 * flops / n, Arrays.stream(acc).average().orElse(0), acc[0], acc[1], acc[2], acc[3],
                        (double) answered / questions));
                    System.out.print(table.substring(table.lastIndexOf("| " + config.strategy().name())));
                }
                System.out.println();
                System.out.println(table);
                if (args.length > 0) {
                    Files.writeString(Path.of(args[0]), table);
                }
            }
        }
    }

    private static List<Config> configs() {
        List<Config> configs = new ArrayList<>();
        configs.add(new Config("none", new NoPruning(), Map.of()));
        for (String ratio : List.of("0.5", "0.25", "0.125")) {
            configs.add(new Config("ratio " + ratio, new RandomPruning(), Map.of("ratio", ratio, "seed", "0")));
            configs.add(new Config("ratio " + ratio, new ClsTopKPruning(), Map.of("ratio", ratio)));
            configs.add(new Config("ratio " + ratio, new MustDropPruning(), Map.of("ratio", ratio)));
            configs.add(new Config("ratio " + ratio, new DamroPruning(), Map.of("ratio", ratio)));
        }
        configs.add(new Config("merge only (threshold 0.8)", new MustDropPruning(), Map.of()));
        configs.add(new Config("merge only (threshold 0.95)", new MustDropPruning(), Map.of("merge_threshold", "0.95")));
        for (String tau : List.of("0.99", "0.9", "0.75", "0.5")) {
            configs.add(new Config("tau " + tau, new ZipVlPruning(), Map.of("tau", tau)));
        }
        return configs;
    }

    private static List<Sample> samples(Path dir, VisionEncoderEngine encoder, ImagePreprocessor preprocessor) throws Exception {
        JsonNode index = JsonMapper.builder().build().readTree(Files.readString(dir.resolve("index.json")));
        byte[] packed = Files.exists(dir.resolve("images.u8")) ? Files.readAllBytes(dir.resolve("images.u8")) : null;
        int side = preprocessor.size();
        int bytesPerImage = side * side * 3;
        List<Sample> samples = new ArrayList<>();
        for (JsonNode stim : index.path("stimuli")) {
            String file = stim.path("file").asString();
            float[] pixels;
            if (file.startsWith("#")) {
                // one image of images.u8 (uint8 [n, side, side, 3]), through the UINT8 tensor input path
                int i = Integer.parseInt(file.substring(1));
                pixels = preprocessor.toPixels(Tensor.newBuilder().setDtype(DataType.UINT8).addShape(side).addShape(side).addShape(3)
                    .setRawData(ByteString.copyFrom(packed, i * bytesPerImage, bytesPerImage)).build());
            } else {
                pixels = preprocessor.toPixels(Files.readAllBytes(dir.resolve(file)));
            }
            VisionTokens tokens = encoder.encode(pixels, side);
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String key : List.of("shape", "colour", "size", "position")) {
                attributes.put(key, stim.path(key).asString());
            }
            List<String[]> qa = new ArrayList<>();
            for (JsonNode pair : stim.path("qa")) {
                qa.add(new String[] {pair.get(0).asString(), pair.get(1).asString()});
            }
            samples.add(new Sample(file, tokens, attributes, qa));
        }
        return samples;
    }

    /** Primary shape's attributes from a caption like "a small blue triangle on the right" or "... left of a ...". */
    static Map<String, String> parse(String caption) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = TRIPLE.matcher(caption);
        if (m.find()) {
            out.put("size", m.group(1));
            out.put("colour", m.group(2));
            out.put("shape", m.group(3));
            if (m.group(4) != null) {
                out.put("position", POSITION.get(m.group(4)));
            }
        }
        return out;
    }
}
