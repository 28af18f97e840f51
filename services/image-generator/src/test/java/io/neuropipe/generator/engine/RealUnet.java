package io.neuropipe.generator.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.generator.config.GeneratorProperties;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;

/**
 * The zoo's exported UNet halves, loaded from {@code -Dneuropipe.generator.models=<repository>} or else
 * {@code <neuropipe.root>/models/repository}.
 */
public final class RealUnet implements AutoCloseable {

    public final ModelRepository models;
    public final UnetEngine engine;

    private RealUnet(Path repository, OnnxRuntimeProperties runtime) {
        models = new ModelRepository(new ModelRepositoryProperties(repository, Map.of(), Duration.ZERO, Duration.ZERO, true),
            new ExecutionProviders(runtime), new SimpleMeterRegistry());
        engine = new UnetEngine(models, GeneratorProperties.defaults());
    }

    public static Path repository() {
        String explicit = System.getProperty("neuropipe.generator.models");
        return explicit != null ? Path.of(explicit)
            : Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models").resolve("repository");
    }

    /** Whether both halves are in the repository (the zoo exports them once the UNet has trained a while). */
    public static boolean available() {
        Path repo = repository();
        return Files.isRegularFile(repo.resolve("unet-encoder/1/model.onnx")) && Files.isRegularFile(repo.resolve("unet-decoder/1/model.onnx"));
    }

    public static RealUnet load() {
        return new RealUnet(repository(), OnnxRuntimeProperties.defaults());
    }

    public static RealUnet load(OnnxRuntimeProperties runtime) {
        return new RealUnet(repository(), runtime);
    }

    @Override
    public void close() {
        models.close();
    }
}
