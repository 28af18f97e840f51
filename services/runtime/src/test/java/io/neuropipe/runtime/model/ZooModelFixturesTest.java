package io.neuropipe.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ai.onnxruntime.OnnxTensor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every model the zoo ships loads with ONNX Runtime Java (sha256 and I/O contract checked against
 * its card) and reproduces the outputs Python's onnxruntime recorded in its fixture within 1e-4.
 */
class ZooModelFixturesTest {

    private static final Path REPOSITORY = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models/repository");
    private static final float TOLERANCE = 1e-4f;
    private static ModelRepository repository;

    @BeforeAll
    static void open() {
        var props = new ModelRepositoryProperties(REPOSITORY, Map.of(), Duration.ZERO, Duration.ZERO, false);
        repository = new ModelRepository(props, new ExecutionProviders(OnnxRuntimeProperties.defaults()), new SimpleMeterRegistry());
    }

    @AfterAll
    static void close() {
        repository.close();
    }

    @Test
    void theZooShipsTrainedModelsWithFixtures() {
        List<String> names = repository.names();
        assertThat(names).contains("image-encoder", "text-encoder", "eeg-encoder");
        for (String name : names) {
            for (int version : repository.versions(name)) {
                Path dir = REPOSITORY.resolve(name).resolve(Integer.toString(version));
                assertThat(ModelFixture.find(dir)).as(name + "/" + version + " has a fixture").isPresent();
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyModelReproducesItsFixture() {
        return repository.names().stream().flatMap(name -> repository.versions(name).stream()
            .map(version -> DynamicTest.dynamicTest(name + "/" + version, () -> reproduce(name, version))));
    }

    private static void reproduce(String name, int version) {
        try (OnnxModel model = repository.load(name, version)) {
            ModelFixture fixture = ModelFixture.find(model.directory()).orElseThrow();
            try (InferenceScope scope = model.scope()) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                for (TensorSpec spec : model.card().inputs()) {
                    ModelFixture.FixtureTensor t = fixture.inputs().get(spec.name());
                    assertThat(t).as("fixture input " + spec.name()).isNotNull();
                    inputs.put(spec.role(), ModelWarmUp.tensor(scope, t.dtype(), t.shape(), t.floats(), t.longs()));
                }
                Outputs outputs = scope.run(model, inputs);
                for (TensorSpec spec : model.card().outputs()) {
                    ModelFixture.FixtureTensor expected = fixture.outputs().get(spec.name());
                    if (expected == null || expected.floats() == null) {
                        continue;
                    }
                    assertThat(outputs.shape(spec.role())).as(name + " output " + spec.name() + " shape").containsExactly(expected.shape());
                    FloatBuffer actual = outputs.floatBuffer(spec.role());
                    float[] want = expected.floats();
                    float worst = 0;
                    for (int i = 0; i < want.length; i++) {
                        worst = Math.max(worst, Math.abs(actual.get(i) - want[i]));
                    }
                    assertThat(worst).as(name + "/" + version + " output " + spec.name() + " max abs error").isLessThanOrEqualTo(TOLERANCE);
                }
            }
        }
    }
}
