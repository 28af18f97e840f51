package io.neuropipe.runtime.step.it;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.step.StepRunner;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/** A one-step service used to test the step wiring end to end on a real broker. */
@SpringBootApplication
public class AffineStepApplication {

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
