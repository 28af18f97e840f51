package io.neuropipe.decoder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.decoder.config.DecoderProperties;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;

/** The zoo's language model and its side graphs, opened without Spring, for tests and benchmarks. */
public final class ZooDecoder implements AutoCloseable {

    public static final Path ROOT = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models");

    private final ModelRepository models;
    private final LanguageModelEngine engine;

    public ZooDecoder(int intraOpThreads) {
        OnnxRuntimeProperties ort = new OnnxRuntimeProperties(OnnxRuntimeProperties.ExecutionProvider.CPU, 0, 0, false, "", false,
            intraOpThreads, 1);
        this.models = new ModelRepository(new ModelRepositoryProperties(ROOT.resolve("repository"), Map.of(), Duration.ZERO,
            Duration.ZERO, true), new ExecutionProviders(ort), new SimpleMeterRegistry());
        this.engine = new LanguageModelEngine(models, new DecoderProperties("lm", "lm-embed", "vision-projector", "brain-projector",
            32, 256, 256));
    }

    public ModelRepository models() {
        return models;
    }

    public LanguageModelEngine engine() {
        return engine;
    }

    /** {@code <s>} + the prompt's tokens. */
    public long[] promptIds(String prompt) {
        long[] ids = engine.tokenizer().encode(prompt, false, false).getIds();
        long[] withBos = new long[ids.length + 1];
        withBos[0] = (long) engine.card().preprocessingNumber("bos_id", 1);
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    /** A brain prefix from a random unit E-space embedding. */
    public Prefix brainPrefix(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] e = new float[128];
        double norm = 0;
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) random.nextGaussian();
            norm += e[i] * e[i];
        }
        for (int i = 0; i < e.length; i++) {
            e[i] /= (float) Math.sqrt(norm);
        }
        float[] embeds = engine.projectBrain(e);
        int n = embeds.length / engine.hidden();
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        return new Prefix(embeds, positions, n, n);
    }

    /** A vision prefix of {@code n} random tokens at increasing grid positions. */
    public Prefix visionPrefix(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] tokens = new float[n * 64];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (float) random.nextGaussian();
        }
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            positions[i] = (long) i * 256 / n;
        }
        return new Prefix(engine.projectVision(tokens, n, 64), positions, n, 256);
    }

    /** Projects real vision tokens [n, 64] at their grid positions. */
    public Prefix visionPrefix(float[] tokens, long[] positions) {
        int n = positions.length;
        return new Prefix(engine.projectVision(tokens, n, 64), positions, n, 256);
    }

    public static final List<String> PROMPTS = List.of("caption:", "question: what colour is the circle? answer:",
        "question: how many shapes are there? answer:", "question: where is the star? answer:",
        "question: what size is the square? answer:");

    @Override
    public void close() {
        engine.close();
        models.close();
    }
}
