package io.neuropipe.pruner.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.BlobRef;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.pruner.config.PrunerProperties;
import io.neuropipe.pruner.domain.ClsTopKPruning;
import io.neuropipe.pruner.domain.DamroPruning;
import io.neuropipe.pruner.domain.MustDropPruning;
import io.neuropipe.pruner.domain.NoPruning;
import io.neuropipe.pruner.domain.RandomPruning;
import io.neuropipe.pruner.domain.ZipVlPruning;
import io.neuropipe.pruner.engine.VisionEncoderEngine;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.PermanentStepException;
import io.neuropipe.runtime.step.PartialOutputSink;
import io.neuropipe.runtime.step.StageTimings;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The prune step as a plain function over the zoo's trained vision encoder, every strategy end to end. */
class PruneStepTest {

    private static final Path ROOT = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models");
    private static ModelRepository models;
    private static PruneStep step;
    private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();

    @BeforeAll
    static void load() {
        models = new ModelRepository(new ModelRepositoryProperties(ROOT.resolve("repository"), Map.of(), Duration.ZERO,
            Duration.ZERO, true), new ExecutionProviders(OnnxRuntimeProperties.defaults()), new SimpleMeterRegistry());
        PrunerProperties props = new PrunerProperties("image-encoder", "none", 1 << 20, 1024);
        step = new PruneStep(new VisionEncoderEngine(models, props), props, List.of(new NoPruning(), new ClsTopKPruning(),
            new RandomPruning(), new MustDropPruning(), new ZipVlPruning(), new DamroPruning()), METERS);
    }

    @AfterAll
    static void close() {
        models.close();
    }

    private static StepOutput prune(Artifact.Builder image, Map<String, String> params) {
        RouteNode node = RouteNode.newBuilder().setId("prune").setStep("prune").putAllParams(params).build();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("prune")
            .putArtifacts("image", image.setName("image").build()).build();
        return step.handle(new StepInput(envelope, node, PartialOutputSink.NONE, new StageTimings()));
    }

    private static StepOutput prune(byte[] image, Map<String, String> params) {
        return prune(Artifact.newBuilder().setPng(ByteString.copyFrom(image)), params);
    }

    private static Artifact named(StepOutput out, String name) {
        return out.artifacts().stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow();
    }

    private static byte[] sample(int i) throws IOException {
        return Files.readAllBytes(ROOT.resolve(String.format("samples/stim_%02d.png", i)));
    }

    private static List<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("samples"))) {
            return files.filter(p -> p.getFileName().toString().matches("stim_\\d+\\.png")).sorted().toList();
        }
    }

    @Test
    void noneKeepsAllPatchTokensOfTheGrid() throws Exception {
        StepOutput out = prune(sample(1), Map.of());
        assertThat(named(out, "vision_tokens").getTensor().getShapeList()).containsExactly(256L, 64L);
        assertThat(Tensors.toLongs(named(out, "vision_positions").getTensor())).hasSize(256).startsWith(0, 1, 2).endsWith(255);
        assertThat(Tensors.toFloats(named(out, "vision_sizes").getTensor())).hasSize(256).containsOnly(1f);
        assertThat(named(out, "vision_keys").getTensor().getShapeList()).containsExactly(0L);
        assertThat(out.artifacts()).noneMatch(a -> a.getName().equals("vision_outliers"));
        assertThat(out.provenance()).containsEntry("prune.kept_ratio", "1.0000").containsEntry("prune.model", "image-encoder/1")
            .containsEntry("prune.flops_saved_ratio", "0.0000").containsEntry("prune.merged_tokens", "0");
    }

    @Test
    void clsTopKKeepsTheRequestedShareInGridOrder() throws Exception {
        StepOutput out = prune(sample(1), Map.of("strategy", "cls-topk", "ratio", "0.25"));
        long[] positions = Tensors.toLongs(named(out, "vision_positions").getTensor());
        assertThat(positions).hasSize(64).isSorted();
        assertThat(named(out, "vision_tokens").getTensor().getShapeList()).containsExactly(64L, 64L);
        assertThat(out.provenance()).containsEntry("prune.kept_ratio", "0.2500").containsEntry("prune.flops_saved_ratio", "0.7544")
            .containsEntry("prune.param.ratio", "0.2500");
        var kept = METERS.get("neuropipe.pruner.kept.ratio").tag("strategy", "cls-topk").summary();
        assertThat(kept.count()).isPositive();
        assertThat(kept.max()).isLessThanOrEqualTo(1.0);
    }

    @Test
    void everyStrategyRunsOnEverySampleWithConsistentArtifacts() throws Exception {
        List<Map<String, String>> requests = List.of(Map.of("strategy", "none"), Map.of("strategy", "cls-topk", "ratio", "0.125"),
            Map.of("strategy", "random", "ratio", "0.25", "seed", "3"), Map.of("strategy", "mustdrop"),
            Map.of("strategy", "mustdrop", "ratio", "0.25"), Map.of("strategy", "zipvl"), Map.of("strategy", "zipvl", "tau", "0.5"),
            Map.of("strategy", "damro"), Map.of("strategy", "damro", "ratio", "0.5", "outliers", "8"));
        List<Path> samples = samples();
        assertThat(samples).hasSizeGreaterThanOrEqualTo(4);
        for (Path sample : samples) {
            byte[] png = Files.readAllBytes(sample);
            for (Map<String, String> request : requests) {
                String what = sample.getFileName() + " " + request;
                StepOutput out = prune(png, request);
                long[] shape = Tensors.shape(named(out, "vision_tokens").getTensor());
                int k = (int) shape[0];
                assertThat(shape).as(what).containsExactly(k, 64);
                assertThat(boxed(Tensors.toFloats(named(out, "vision_tokens").getTensor()))).as(what).allMatch(Float::isFinite);
                long[] positions = Tensors.toLongs(named(out, "vision_positions").getTensor());
                assertThat(positions).as(what).hasSize(k).isSorted().doesNotHaveDuplicates();
                assertThat(Arrays.stream(positions).boxed().toList()).as(what).allMatch(p -> p >= 0 && p < 256);
                float[] sizes = Tensors.toFloats(named(out, "vision_sizes").getTensor());
                assertThat(boxed(sizes)).as(what).hasSize(k).allMatch(s -> s >= 1 && s <= 9);
                long[] keys = Tensors.toLongs(named(out, "vision_keys").getTensor());
                assertThat(keys).as(what).isSorted();
                assertThat(Arrays.stream(keys).boxed().toList()).as(what).allMatch(i -> i >= 0 && i < k);
                double keptRatio = Double.parseDouble(out.provenance().get("prune.kept_ratio"));
                assertThat(keptRatio).as(what).isCloseTo(k / 256.0, org.assertj.core.data.Offset.offset(1e-4));
                assertThat(Double.parseDouble(out.provenance().get("prune.flops_saved_ratio"))).as(what).isBetween(0.0, 1.0);
                assertThat(out.provenance().get("prune.strategy")).isEqualTo(request.get("strategy"));
                switch (request.get("strategy")) {
                    case "mustdrop" -> {
                        // every patch is accounted for: merged sizes sum to the patches of the kept tokens' windows
                        int merged = Integer.parseInt(out.provenance().get("prune.merged_tokens"));
                        assertThat(keys).as(what).hasSize(21); // ceil(0.08 * 256)
                        if (!request.containsKey("ratio")) {
                            assertThat(k + merged).as(what).isEqualTo(256);
                            assertThat((double) sum(sizes)).as(what).isEqualTo(256.0);
                        } else {
                            assertThat(k).as(what).isEqualTo(Math.min(64, 256 - merged));
                        }
                    }
                    case "damro" -> {
                        long[] outliers = Tensors.toLongs(named(out, "vision_outliers").getTensor());
                        assertThat(outliers).as(what).hasSize(request.containsKey("outliers") ? 8 : 6).isSorted();
                        assertThat(positions).as(what).contains(outliers);
                        assertThat(k).as(what).isEqualTo(request.containsKey("ratio") ? 128 : 256);
                    }
                    case "zipvl" -> assertThat(k).as(what).isBetween(1, 256);
                    case "random" -> assertThat(k).as(what).isEqualTo(64);
                    case "cls-topk" -> assertThat(k).as(what).isEqualTo(32);
                    default -> assertThat(k).as(what).isEqualTo(256);
                }
            }
        }
    }

    @Test
    void zipvlKeepsMoreTokensForAHigherTau() throws Exception {
        int low = (int) Tensors.shape(named(prune(sample(2), Map.of("strategy", "zipvl", "tau", "0.5")), "vision_tokens").getTensor())[0];
        int high = (int) Tensors.shape(named(prune(sample(2), Map.of("strategy", "zipvl", "tau", "0.95")), "vision_tokens").getTensor())[0];
        assertThat(low).isLessThan(high);
    }

    @Test
    void aPixelTensorGivesTheSameTokensAsThePng() throws Exception {
        byte[] png = sample(3);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        byte[] hwc = new byte[32 * 32 * 3];
        float[] chw = new float[3 * 32 * 32];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int p = image.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    int v = (p >> (16 - 8 * c)) & 0xFF;
                    hwc[(y * 32 + x) * 3 + c] = (byte) v;
                    chw[c * 1024 + y * 32 + x] = (v / 255f - 0.5f) / 0.25f;
                }
            }
        }
        float[] fromPng = Tensors.toFloats(named(prune(png, Map.of()), "vision_tokens").getTensor());
        Tensor u8 = Tensor.newBuilder().setDtype(DataType.UINT8).addAllShape(List.of(32L, 32L, 3L)).setRawData(ByteString.copyFrom(hwc)).build();
        float[] fromU8 = Tensors.toFloats(named(prune(Artifact.newBuilder().setTensor(u8), Map.of()), "vision_tokens").getTensor());
        float[] fromF32 = Tensors.toFloats(named(prune(Artifact.newBuilder().setTensor(Tensors.ofFloats(chw, 3, 32, 32)), Map.of()),
            "vision_tokens").getTensor());
        assertThat(fromU8).containsExactly(fromPng);
        assertThat(fromF32).containsExactly(fromPng);
    }

    @Test
    void corruptImagesAndUnknownStrategiesAreClearErrors() throws Exception {
        assertThatThrownBy(() -> prune(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}, Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("Image");
        byte[] png = sample(1);
        assertThatThrownBy(() -> prune(Arrays.copyOf(png, png.length / 2), Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("Image");
        assertThatThrownBy(() -> prune(new byte[0], Map.of())).isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> prune(png, Map.of("strategy", "magic")))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("Unknown pruning strategy 'magic'");
    }

    @Test
    void unsupportedFormatsOversizedImagesAndWrongArtifactsAreRefused() throws Exception {
        assertThatThrownBy(() -> prune(encode(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "gif"), Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("'gif' is not supported");
        assertThatThrownBy(() -> prune(encode(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "bmp"), Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("'bmp' is not supported");
        assertThatThrownBy(() -> prune(encode(new BufferedImage(2000, 8, BufferedImage.TYPE_INT_RGB), "png"), Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("2000x8").hasMessageContaining("1024");
        assertThatThrownBy(() -> prune(new byte[(1 << 20) + 1], Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
        // a grey JPEG of another size is fine: resized and made RGB
        StepOutput jpeg = prune(encode(new BufferedImage(100, 60, BufferedImage.TYPE_BYTE_GRAY), "jpeg"), Map.of());
        assertThat(named(jpeg, "vision_tokens").getTensor().getShapeList()).containsExactly(256L, 64L);
        assertThatThrownBy(() -> prune(Artifact.newBuilder().setText("a red square"), Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("'image'");
        // a claim-checked image needs the blob store, which this unit test does not configure: a permanent failure
        assertThatThrownBy(() -> prune(Artifact.newBuilder().setBlob(BlobRef.newBuilder().setUri("pg://blobs/x")), Map.of()))
            .isInstanceOf(PermanentStepException.class).hasMessageContaining("no blob store");
        assertThatThrownBy(() -> prune(Artifact.newBuilder().setTensor(Tensors.ofFloats(new float[3 * 16 * 16], 3, 16, 16)), Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("FP32 [3, 32, 32]").hasMessageContaining("[3, 16, 16]");
        float[] nan = new float[3 * 32 * 32];
        nan[5] = Float.NaN;
        assertThatThrownBy(() -> prune(Artifact.newBuilder().setTensor(Tensors.ofFloats(nan, 3, 32, 32)), Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("non-finite");
        Tensor shortU8 = Tensor.newBuilder().setDtype(DataType.UINT8).addAllShape(List.of(32L, 32L, 3L))
            .setRawData(ByteString.copyFrom(new byte[100])).build();
        assertThatThrownBy(() -> prune(Artifact.newBuilder().setTensor(shortU8), Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("3072 bytes");
        assertThatThrownBy(() -> prune(Artifact.newBuilder().setTensor(Tensors.ofLongs(new long[3 * 32 * 32], 3, 32, 32)), Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("INT64");
    }

    @Test
    void badStrategyParametersAreRejectedBeforeAnyOutput() throws Exception {
        byte[] png = sample(1);
        Map<String, String> nameOf = Map.of("ratio", "ratio", "tau", "tau", "outliers", "outliers", "merge_threshold", "merge_threshold");
        List<Map<String, String>> bad = List.of(Map.of("strategy", "cls-topk", "ratio", "0"), Map.of("strategy", "random", "ratio", "2"),
            Map.of("strategy", "zipvl", "tau", "NaN"), Map.of("strategy", "damro", "outliers", "-1"),
            Map.of("strategy", "damro", "outliers", "257"), Map.of("strategy", "mustdrop", "merge_threshold", "NaN"));
        for (Map<String, String> params : bad) {
            String key = params.keySet().stream().filter(nameOf::containsKey).findFirst().orElseThrow();
            assertThatThrownBy(() -> prune(png, params)).as(params.toString()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(key);
        }
    }

    private static List<Float> boxed(float[] values) {
        List<Float> out = new java.util.ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as(format).isTrue();
        return out.toByteArray();
    }
}
