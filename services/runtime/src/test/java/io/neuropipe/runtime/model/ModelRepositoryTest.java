package io.neuropipe.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {

    private static final Path SOURCE = Path.of("src/test/resources/repository");

    @TempDir
    Path root;

    private ModelRepository repository(Map<String, Integer> pinned) {
        var props = new ModelRepositoryProperties(root, pinned, Duration.ZERO, Duration.ofMillis(10), true);
        return new ModelRepository(props, new ExecutionProviders(OnnxRuntimeProperties.defaults()), new SimpleMeterRegistry());
    }

    private void copyVersion(int version) throws IOException {
        Path from = SOURCE.resolve("affine").resolve(Integer.toString(version));
        Path to = root.resolve("affine").resolve(Integer.toString(version));
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static float[] project(OnnxModel model, float... x) {
        try (InferenceScope scope = model.scope()) {
            return scope.run(model, Map.of("features", scope.floats(x, 1, 3))).floats("projection");
        }
    }

    @Test
    void servesTheNewestVersionAndComputesTheGraph() throws IOException {
        copyVersion(1);
        copyVersion(2);
        try (ModelRepository repo = repository(Map.of())) {
            OnnxModel model = repo.model("affine");
            assertThat(model.version()).isEqualTo(2);
            // scale 2: W = [[2,0],[0,2],[2,2]], bias [0.5,-0.5]; x = [1,2,3] -> [2+6+0.5, 4+6-0.5]
            assertThat(project(model, 1, 2, 3)).containsExactly(8.5f, 9.5f);
            assertThat(repo.names()).containsExactly("affine");
        }
    }

    @Test
    void servesAPinnedVersion() throws IOException {
        copyVersion(1);
        copyVersion(2);
        try (ModelRepository repo = repository(Map.of("affine", 1))) {
            assertThat(repo.model("affine").version()).isEqualTo(1);
            assertThat(project(repo.model("affine"), 1, 2, 3)).containsExactly(4.5f, 4.5f);
        }
    }

    @Test
    void picksUpANewVersionWithoutRestart() throws IOException {
        copyVersion(1);
        try (ModelRepository repo = repository(Map.of())) {
            assertThat(repo.model("affine").version()).isEqualTo(1);
            copyVersion(2);
            repo.reloadNewerVersions();
            assertThat(repo.model("affine").version()).isEqualTo(2);
        }
    }

    @Test
    void refusesAGraphWhoseChecksumDiffersFromItsCard() throws IOException {
        copyVersion(1);
        Path card = root.resolve("affine/1/model.yaml");
        Files.writeString(card, Files.readString(card).replaceAll("sha256: [0-9a-f]+", "sha256: " + "0".repeat(64)));
        try (ModelRepository repo = repository(Map.of())) {
            assertThatThrownBy(() -> repo.model("affine"))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("affine/1").hasMessageContaining("sha256");
        }
    }

    @Test
    void refusesACardThatDisagreesWithTheGraph() throws IOException {
        copyVersion(1);
        Path card = root.resolve("affine/1/model.yaml");
        Files.writeString(card, Files.readString(card).replace("role: projection, dtype: FP32", "role: projection, dtype: INT64"));
        try (ModelRepository repo = repository(Map.of())) {
            assertThatThrownBy(() -> repo.model("affine"))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("output 'y'").hasMessageContaining("INT64");
        }
    }

    @Test
    void namesTheMissingModel() {
        try (ModelRepository repo = repository(Map.of())) {
            assertThatThrownBy(() -> repo.model("nope")).hasMessageContaining("Model nope is not in the repository");
        }
    }
}
