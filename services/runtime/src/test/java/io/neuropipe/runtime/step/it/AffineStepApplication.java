package io.neuropipe.runtime.step.it;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.step.StepRunner;
import io.neuropipe.runtime.step.TransientStepException;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/** A one-step service used to test the step wiring end to end on a real broker. */
@SpringBootApplication
public class AffineStepApplication {

    /** An input whose first element is this fails transiently on every attempt. */
    static final float FLAKY = -7f;
    /** When each attempt at a flaky job started (System.nanoTime), by job id. */
    static final Map<String, List<Long>> ATTEMPTS = new ConcurrentHashMap<>();

    @Bean
    StepHandler affineStep(ModelRepository models) {
        return new StepHandler() {
            @Override
            public String step() {
                return "affine";
            }

            @Override
            public StepOutput handle(StepInput input) {
                float[] x = Tensors.toFloats(input.requireTensor("x"));
                if (x[0] == FLAKY) {
                    ATTEMPTS.computeIfAbsent(input.jobId(), k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
                    throw new TransientStepException("model server busy", null);
                }
                Tensors.requireFinite(x, "x");
                OnnxModel model = models.model("affine");
                try (InferenceScope scope = model.scope()) {
                    float[] y = scope.run(model, Map.of("features", scope.floats(x, 1, 3))).floats("projection");
                    input.partials().emit("y", 0, "half-way");
                    return new StepOutput(List.of(Artifact.newBuilder().setName("y").setTensor(Tensors.ofFloats(y, 2)).build()),
                        Map.of("model", model.card().id()));
                }
            }
        };
    }

    @Bean
    Consumer<Message<byte[]>> affine(StepRunner runner, StepHandler affineStep) {
        return runner.consumer(affineStep);
    }
}
