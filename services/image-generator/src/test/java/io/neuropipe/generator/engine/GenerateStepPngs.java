package io.neuropipe.generator.engine;

import java.util.Map;

import io.neuropipe.generator.step.GenerateStep;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.step.PartialOutputSink;
import io.neuropipe.runtime.step.StageTimings;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.tensor.Tensors;

/** Runs the generate step on a condition and returns the PNG bytes. */
final class GenerateStepPngs {

    private GenerateStepPngs() {
    }

    static byte[] png(GenerateStep step, float[] condition, Map<String, String> params) {
        RouteNode node = RouteNode.newBuilder().setId("generate").setStep("generate").putAllParams(params).build();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("generate")
            .putArtifacts("embedding", Artifact.newBuilder().setName("embedding")
                .setTensor(Tensors.ofFloats(condition, condition.length)).build()).build();
        return step.handle(new StepInput(envelope, node, PartialOutputSink.NONE, new StageTimings())).artifacts().get(0).getPng()
            .toByteArray();
    }
}
