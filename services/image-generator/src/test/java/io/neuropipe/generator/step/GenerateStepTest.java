package io.neuropipe.generator.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.generator.config.GeneratorProperties;
import io.neuropipe.generator.domain.PropagationSchedules;
import io.neuropipe.generator.engine.DdimSampler;
import io.neuropipe.generator.engine.FakeUnet;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.PartialOutputSink;
import io.neuropipe.runtime.step.StageTimings;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.junit.jupiter.api.Test;

/** The generate step as a plain function over a fake UNet: parameters, provenance, determinism, bad input. */
class GenerateStepTest {

    private static final float[] COND = {0.1f, -0.2f, 0.3f, 0f, 0.5f, -0.1f, 0.2f, 0.05f};

    static StepOutput generate(GenerateStep step, float[] condition, Map<String, String> params) {
        RouteNode node = RouteNode.newBuilder().setId("generate").setStep("generate").putAllParams(params).build();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("generate")
            .putArtifacts("embedding", Artifact.newBuilder().setName("embedding")
                .setTensor(Tensors.ofFloats(condition, condition.length)).build()).build();
        return step.handle(new StepInput(envelope, node, PartialOutputSink.NONE, new StageTimings()));
    }

    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();

    private static StepOutput generate(float[] condition, Map<String, String> params) {
        FakeUnet unet = new FakeUnet();
        return generate(new GenerateStep(new DdimSampler(unet), unet, PropagationSchedules.builtIn(), GeneratorProperties.defaults(),
            REGISTRY), condition, params);
    }

    private static byte[] png(StepOutput out) {
        return out.artifacts().get(0).getPng().toByteArray();
    }

    @Test
    void sameSeedGivesIdenticalPngBytesAndAnotherSeedDoesNot() {
        Map<String, String> p = Map.of("seed", "11", "steps", "20", "propagation", "keysteps");
        byte[] a = png(generate(COND, p));
        assertThat(png(generate(COND, p))).isEqualTo(a);
        Map<String, String> q = new HashMap<>(p);
        q.put("seed", "12");
        assertThat(png(generate(COND, q))).isNotEqualTo(a);
        assertThat(a).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void provenanceRecordsTheScheduleKeyStepsAndEncoderCalls() {
        StepOutput out = generate(COND, Map.of("steps", "50", "propagation", "keysteps", "parallel", "true", "guidance", "2.5",
            "seed", "3"));
        assertThat(out.provenance()).containsEntry("generate.steps", "50").containsEntry("generate.schedule", "keysteps")
            .containsEntry("generate.key_steps", "0,1,2,3,5,10,15,25,35").containsEntry("generate.encoder_calls", "9")
            .containsEntry("generate.decoder_calls", "9").containsEntry("generate.parallel", "true")
            .containsEntry("generate.noise_injection", "true").containsEntry("generate.guidance", "2.50")
            .containsEntry("generate.seed", "3").containsEntry("generate.encoder", "fake-encoder/1")
            .containsEntry("generate.decoder_sha256", "bb");
        assertThat(REGISTRY.get("neuropipe.generator.unet.calls").tag("half", "encoder").tag("schedule", "keysteps").counter()
            .count()).isGreaterThanOrEqualTo(9);
        StepOutput full = generate(COND, Map.of("steps", "12"));
        assertThat(full.provenance()).containsEntry("generate.schedule", "off").containsEntry("generate.encoder_calls", "12")
            .containsEntry("generate.noise_injection", "false");
        StepOutput uniform = generate(COND, Map.of("steps", "12", "propagation", "uniform", "every", "5", "noise_injection", "false"));
        assertThat(uniform.provenance()).containsEntry("generate.key_steps", "0,5,10").containsEntry("generate.encoder_calls", "3")
            .containsEntry("generate.noise_injection", "false");
        assertThat(REGISTRY.get("neuropipe.generator.encoder.skipped").tag("schedule", "uniform").counter().count())
            .isGreaterThanOrEqualTo(9);
        assertThat(REGISTRY.find("neuropipe.generator.encoder.skipped").tag("schedule", "off").counter())
            .satisfiesAnyOf(c -> assertThat(c).isNull(), c -> assertThat(c.count()).isZero());
    }

    @Test
    void badInputsAreClearErrorsNamingTheInput() {
        assertThatThrownBy(() -> generate(new float[7], Map.of())).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("7").hasMessageContaining("8")
            .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.SHAPE_MISMATCH));
        float[] nan = COND.clone();
        nan[2] = Float.NaN;
        assertThatThrownBy(() -> generate(nan, Map.of())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> generate(COND, Map.of("steps", "0"))).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("steps");
        assertThatThrownBy(() -> generate(COND, Map.of("steps", "201"))).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("steps");
        assertThatThrownBy(() -> generate(COND, Map.of("guidance", "-1"))).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("guidance");
        assertThatThrownBy(() -> generate(COND, Map.of("guidance", "NaN"))).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("guidance");
        assertThatThrownBy(() -> generate(COND, Map.of("propagation", "sometimes"))).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("propagation");
        assertThatThrownBy(() -> generate(COND, Map.of("propagation", "uniform", "every", "-2")))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("every");
        assertThatThrownBy(() -> generate(COND, Map.of("parallel", "maybe"))).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("parallel");
        assertThatThrownBy(() -> generate(COND, Map.of("noise_injection", "2"))).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("noise_injection");
    }
}
