package io.neuropipe.encoder.subject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.encoder.config.SubjectProperties;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.TensorSpec;
import org.springframework.stereotype.Component;

/**
 * The adapter graph of each subject: the zoo's from the model repository, uploaded ones from a
 * second repository in {@code neuropipe.encoder.subjects.adapter-directory}, written there from
 * the registry's copy on first use (so a new instance serves a subject another one registered).
 */
@Component
public class AdapterModels implements AutoCloseable {

    private final ModelRepository zoo;
    private final ModelRepository uploads;
    private final Path directory;

    public AdapterModels(ModelRepository zoo, ExecutionProviders providers, SubjectProperties props, MeterRegistry registry) {
        this.zoo = zoo;
        this.directory = props.adapterDirectory();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the adapter directory " + directory, e);
        }
        this.uploads = new ModelRepository(new ModelRepositoryProperties(directory, Map.of(), Duration.ZERO, Duration.ZERO, false),
            providers, registry);
    }

    /** The loaded adapter of {@code s}; {@code graph} supplies an uploaded adapter's bytes when they are not on disk yet. */
    public OnnxModel adapter(Subject s, java.util.function.Supplier<byte[]> graph) {
        if (!s.uploaded()) {
            return zoo.model(s.adapterModel());
        }
        return uploads.loadedModel(s.adapterModel()).orElseGet(() -> {
            Path onnx = directory.resolve(s.adapterModel()).resolve(Integer.toString(s.adapterVersion())).resolve("model.onnx");
            if (!Files.isRegularFile(onnx)) {
                write(s, graph.get(), cardOf(s, zoo.card(templateAdapter())));
            }
            return uploads.model(s.adapterModel());
        });
    }

    /**
     * Writes a new adapter with a card declaring the contract the translator needs, then loads it:
     * the checksum and the graph's inputs/outputs are checked against that card (a mismatch throws
     * {@link io.neuropipe.runtime.model.ModelContractException} naming the tensor) and nothing stays on disk.
     */
    public OnnxModel install(Subject s, byte[] graph) {
        write(s, graph, cardOf(s, zoo.card(templateAdapter())));
        try {
            return uploads.model(s.adapterModel());
        } catch (RuntimeException e) {
            deleteQuietly(directory.resolve(s.adapterModel()));
            throw e;
        }
    }

    /** The card every fMRI adapter shares the contract of: the zoo's first one. */
    String templateAdapter() {
        return zoo.names().stream().filter(n -> n.startsWith("fmri-adapter-")).findFirst()
            .orElseThrow(() -> new IllegalStateException("The model repository holds no fmri-adapter-* model to take the adapter contract from"));
    }

    static String cardOf(Subject s, ModelCard template) {
        StringBuilder y = new StringBuilder();
        y.append("name: ").append(s.adapterModel()).append('\n')
            .append("version: ").append(s.adapterVersion()).append('\n')
            .append("trained: true\n")
            .append("description: 'Uploaded adapter of subject ").append(s.id()).append("'\n")
            .append("framework: onnx\n")
            .append("max_batch_size: ").append(template.maxBatchSize()).append('\n')
            .append("sha256: ").append(s.sha256()).append('\n');
        tensors(y, "inputs", template.inputs());
        tensors(y, "outputs", template.outputs());
        y.append("preprocessing: {pooled_length: ").append((long) template.preprocessingNumber("pooled_length", -1))
            .append(", subject: ").append(s.id()).append(", n_voxels: ").append(s.voxelCount()).append("}\n");
        return y.toString();
    }

    private static void tensors(StringBuilder y, String key, java.util.List<TensorSpec> specs) {
        y.append(key).append(":\n");
        for (TensorSpec t : specs) {
            y.append("- name: ").append(t.name()).append('\n').append("  role: ").append(t.role()).append('\n')
                .append("  dtype: ").append(t.dtype().name()).append('\n').append("  shape: ").append(t.shape()).append('\n');
        }
    }

    private void write(Subject s, byte[] graph, String card) {
        Path dir = directory.resolve(s.adapterModel()).resolve(Integer.toString(s.adapterVersion()));
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(directory, "upload", ".tmp");
            Files.write(tmp, graph);
            Files.writeString(dir.resolve("model.yaml"), card);
            Files.move(tmp, dir.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the adapter of subject " + s.id() + " to " + dir, e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover directory without a loadable model is skipped by the repository
        }
    }

    @Override
    public void close() {
        uploads.close();
    }
}
