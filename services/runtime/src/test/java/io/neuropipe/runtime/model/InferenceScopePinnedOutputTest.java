package io.neuropipe.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import org.junit.jupiter.api.Test;

/** Pinned outputs: the model writes into the caller's buffer, which then holds what an ordinary run returns. */
class InferenceScopePinnedOutputTest {

    @Test
    void outputsLandInTheCallersBuffer() {
        var props = new ModelRepositoryProperties(Path.of("src/test/resources/repository"), Map.of(), Duration.ZERO, Duration.ZERO,
            false);
        try (ModelRepository repository = new ModelRepository(props, new ExecutionProviders(OnnxRuntimeProperties.defaults()),
                new SimpleMeterRegistry())) {
            OnnxModel affine = repository.model("affine");
            float[] x = {1f, 2f, 3f, -1f, 0.5f, 4f};
            try (InferenceScope scope = affine.scope()) {
                float[] expected = scope.run(affine, Map.of("features", scope.floats(x, 2, 3))).floats("projection");
                FloatBuffer target = ByteBuffer.allocateDirect(4 * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
                OnnxTensor pinned = scope.floats(target, 2, 2);
                scope.run(affine, Map.of("features", scope.floats(x, 2, 3)), Set.of(), Map.of("projection", pinned));
                float[] written = new float[4];
                target.get(0, written);
                assertThat(written).containsExactly(expected);
                assertThat(expected).isNotEqualTo(new float[4]);
            }
        }
    }
}
