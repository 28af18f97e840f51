package io.neuropipe.pruner.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.pruner.config.PrunerProperties;
import io.neuropipe.pruner.domain.ClsTopKPruning;
import io.neuropipe.pruner.domain.NoPruning;
import io.neuropipe.pruner.engine.VisionEncoderEngine;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.PartialOutputSink;
import io.neuropipe.runtime.step.StageTimings;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The prune step as a plain function over the zoo's trained vision encoder. */
class PruneStepTest {

    private static final Path ROOT = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models");
    private static ModelRepository models;
    private static PruneStep step;

    @BeforeAll
    static void load() {
        models = new ModelRepository(new ModelRepositoryProperties(ROOT.resolve("repository"), Map.of(), Duration.ZERO,
            Duration.ZERO, true), new ExecutionProviders(OnnxRuntimeProperties.defaults()), new SimpleMeterRegistry());
        PrunerProperties props = new PrunerProperties("image-encoder", "none", 1 << 20, 1024);
        step = new PruneStep(new VisionEncoderEngine(models, props), props, List.of(new NoPruning(), new ClsTopKPruning()));
    }

    @AfterAll
    static void close() {
        models.close();
    }

    private static StepOutput prune(byte[] image, Map<String, String> params) {
        RouteNode node = RouteNode.newBuilder().setId("prune").setStep("prune").putAllParams(params).build();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("prune")
            .putArtifacts("image", Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(image)).build()).build();
        return step.handle(new StepInput(envelope, node, PartialOutputSink.NONE, new StageTimings()));
    }

    private static Artifact named(StepOutput out, String name) {
        return out.artifacts().stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void noneKeepsAllPatchTokensOfTheGrid() throws Exception {
        StepOutput out = prune(Files.readAllBytes(ROOT.resolve("samples/stim_01.png")), Map.of());
        assertThat(named(out, "vision_tokens").getTensor().getShapeList()).containsExactly(256L, 64L);
        assertThat(Tensors.toLongs(named(out, "vision_positions").getTensor())).hasSize(256).startsWith(0, 1, 2).endsWith(255);
        assertThat(out.provenance()).containsEntry("prune.kept_ratio", "1.0000").containsEntry("prune.model", "image-encoder/1");
    }

    @Test
    void clsTopKKeepsTheRequestedShareInGridOrder() throws Exception {
        StepOutput out = prune(Files.readAllBytes(ROOT.resolve("samples/stim_01.png")), Map.of("strategy", "cls-topk", "ratio", "0.25"));
        long[] positions = Tensors.toLongs(named(out, "vision_positions").getTensor());
        assertThat(positions).hasSize(64).isSorted();
        assertThat(named(out, "vision_tokens").getTensor().getShapeList()).containsExactly(64L, 64L);
        assertThat(out.provenance()).containsEntry("prune.kept_ratio", "0.2500");
    }

    @Test
    void corruptImagesAndUnknownStrategiesAreClearErrors() throws Exception {
        assertThatThrownBy(() -> prune(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}, Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("Image");
        byte[] png = Files.readAllBytes(ROOT.resolve("samples/stim_01.png"));
        assertThatThrownBy(() -> prune(png, Map.of("strategy", "magic")))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("Unknown pruning strategy 'magic'");
    }
}
