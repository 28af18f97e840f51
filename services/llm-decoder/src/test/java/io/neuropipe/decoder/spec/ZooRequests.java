package io.neuropipe.decoder.spec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.decoder.config.DecoderProperties;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.GreedySampler;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.domain.Sampler;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;

/**
 * Decoder requests built from the zoo's sample set: each sample image through the trained image encoder, as a
 * vision prefix (all 256 patches, or every third one with its grid positions) or as a brain-style prefix (the image
 * embedding through the brain projector), each with the caption prompt and every question of the image.
 */
final class ZooRequests {

    static final Path ROOT = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models");

    private ZooRequests() {
    }

    static ModelRepository repository() {
        return repository(OnnxRuntimeProperties.defaults());
    }

    static ModelRepository repository(OnnxRuntimeProperties runtime) {
        return new ModelRepository(new ModelRepositoryProperties(ROOT.resolve("repository"), Map.of(), Duration.ZERO, Duration.ZERO,
            true), new ExecutionProviders(runtime), new SimpleMeterRegistry());
    }

    static DecoderProperties decoderProperties() {
        return new DecoderProperties("lm", "lm-embed", "vision-projector", "brain-projector", 32, 256, 256);
    }

    /** A labelled request. */
    record Case(String label, GenerationRequest request) {
    }

    static List<Case> cases(ModelRepository models, LanguageModelEngine engine, int maxTokens, boolean pruned) {
        return cases(models, engine, maxTokens, pruned, true);
    }

    static List<Case> cases(ModelRepository models, LanguageModelEngine engine, int maxTokens, boolean pruned, boolean questions) {
        String index = read(ROOT.resolve("samples/index.json"));
        OnnxModel encoder = models.model("image-encoder");
        List<Case> cases = new ArrayList<>();
        Matcher stimulus = Pattern.compile("\"file\":\\s*\"(stim_\\d+\\.png)\".*?\"qa\":\\s*\\[(.*?)\\]\\s*\\]", Pattern.DOTALL).matcher(index);
        while (stimulus.find()) {
            String file = stimulus.group(1);
            List<String> prompts = new ArrayList<>();
            prompts.add(String.valueOf(engine.card().preprocessing().get("caption_prompt")));
            Matcher question = Pattern.compile("\\[\\s*\"([^\"]+)\",\\s*\"[^\"]*\"").matcher(stimulus.group(2));
            while (questions && question.find()) {
                prompts.add(String.valueOf(engine.card().preprocessing().get("question_prompt"))
                    .replace("{question}", question.group(1).toLowerCase(Locale.ROOT)));
            }
            float[] patches;
            float[] embedding;
            try (InferenceScope scope = encoder.scope()) {
                Outputs out = scope.run(encoder, Map.of("pixel_values", scope.floats(pixels(ROOT.resolve("samples").resolve(file)), 1, 3, 32, 32)));
                patches = out.floats("patch_tokens");
                embedding = out.floats("embedding");
            }
            List<Map.Entry<String, Prefix>> prefixes = new ArrayList<>();
            prefixes.add(Map.entry("vision", vision(engine, patches, 1)));
            if (pruned) {
                prefixes.add(Map.entry("vision/3", vision(engine, patches, 3)));
            }
            float[] brain = engine.projectBrain(embedding);
            int n = brain.length / engine.hidden();
            long[] positions = new long[n];
            for (int i = 0; i < n; i++) {
                positions[i] = i;
            }
            prefixes.add(Map.entry("brain", new Prefix(brain, positions, n, n)));
            for (var prefix : prefixes) {
                for (String prompt : prompts) {
                    cases.add(new Case(file + " " + prefix.getKey() + " " + prompt, request(engine, prefix.getValue(), prompt, maxTokens,
                        new GreedySampler(), 1.0)));
                }
            }
        }
        return cases;
    }

    static GenerationRequest request(LanguageModelEngine engine, Prefix prefix, String prompt, int maxTokens, Sampler sampler,
                                     double penalty) {
        long[] ids = engine.tokenizer().encode(prompt, false, false).getIds();
        long[] withBos = new long[ids.length + 1];
        withBos[0] = (long) engine.card().preprocessingNumber("bos_id", 1);
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return new GenerationRequest(prefix, withBos, maxTokens, List.of(), sampler, penalty);
    }

    private static Prefix vision(LanguageModelEngine engine, float[] patches, int stride) {
        int dim = 64;
        int n = (256 + stride - 1) / stride;
        float[] kept = new float[n * dim];
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(patches, i * stride * dim, kept, i * dim, dim);
            positions[i] = (long) i * stride;
        }
        return new Prefix(engine.projectVision(kept, n, dim), positions, n, 256);
    }

    private static float[] pixels(Path png) {
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            int size = 32;
            float[] out = new float[3 * size * size];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = image.getRGB(x, y);
                    int[] channels = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                    for (int c = 0; c < 3; c++) {
                        out[c * size * size + y * size + x] = (channels[c] / 255f - 0.5f) / 0.25f;
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
