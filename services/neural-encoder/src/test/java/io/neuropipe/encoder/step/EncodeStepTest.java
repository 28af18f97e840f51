package io.neuropipe.encoder.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.encoder.config.EncoderProperties;
import io.neuropipe.encoder.domain.EegTrial;
import io.neuropipe.encoder.engine.EegEncoderEngine;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
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

/** The encode step as a plain function over the zoo's trained EEG encoder. */
class EncodeStepTest {

    private static final Path ROOT = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models");
    private static ModelRepository models;
    private static EegEncoderEngine engine;
    private static EncodeStep step;

    @BeforeAll
    static void load() {
        models = new ModelRepository(new ModelRepositoryProperties(ROOT.resolve("repository"), Map.of(), Duration.ZERO,
            Duration.ZERO, true), new ExecutionProviders(OnnxRuntimeProperties.defaults()), new SimpleMeterRegistry());
        engine = new EegEncoderEngine(models, new EncoderProperties("eeg-encoder", 8, Duration.ofMillis(5), 64), new SimpleMeterRegistry());
        step = new EncodeStep(engine);
    }

    @AfterAll
    static void close() {
        engine.close();
        models.close();
    }

    static float[] trial(int index) throws Exception {
        ByteBuffer npy = ByteBuffer.wrap(Files.readAllBytes(ROOT.resolve("samples/eeg_sub-01_trials.npy"))).order(ByteOrder.LITTLE_ENDIAN);
        int start = 10 + Short.toUnsignedInt(npy.getShort(8));
        float[] out = new float[63 * 250];
        npy.position(start + index * out.length * Float.BYTES);
        npy.asFloatBuffer().get(out);
        return out;
    }

    private static StepOutput encode(float[] data, long[] shape, Map<String, String> params) {
        RouteNode node = RouteNode.newBuilder().setId("encode").setStep("encode").putAllParams(params).build();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("encode")
            .putArtifacts("eeg", Artifact.newBuilder().setName("eeg").setTensor(Tensors.ofFloats(data, shape)).build()).build();
        return step.handle(new StepInput(envelope, node, PartialOutputSink.NONE, new StageTimings()));
    }

    @Test
    void encodesATrialIntoAUnitLengthEmbedding() throws Exception {
        StepOutput out = encode(trial(0), new long[] {63, 250}, Map.of("subject", "sub-01"));
        float[] e = Tensors.toFloats(out.artifacts().get(0).getTensor());
        assertThat(e).hasSize(128);
        double norm = 0;
        for (float v : e) {
            norm += v * v;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-4));
        assertThat(out.provenance()).containsEntry("encode.model", "eeg-encoder/1").containsEntry("encode.trained", "true");
    }

    @Test
    void batchedEncodingEqualsOneAtATime() throws Exception {
        List<float[]> trials = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            trials.add(trial(i));
        }
        List<float[]> alone = new ArrayList<>();
        for (float[] t : trials) {
            alone.add(engine.encode(new EegTrial(t, 0)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<CompletableFuture<float[]>> together = trials.stream()
            .map(t -> CompletableFuture.supplyAsync(() -> engine.encode(new EegTrial(t, 0)), pool)).toList();
        for (int i = 0; i < trials.size(); i++) {
            float[] a = alone.get(i);
            float[] b = together.get(i).join();
            for (int j = 0; j < a.length; j++) {
                assertThat(b[j]).isCloseTo(a[j], within(1e-5f));
            }
        }
        pool.shutdown();
    }

    @Test
    void badInputsAreClearErrors() throws Exception {
        assertThatThrownBy(() -> encode(new float[62 * 250], new long[] {62, 250}, Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("[63, 250]")
            .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.SHAPE_MISMATCH));
        float[] nan = trial(0);
        nan[100] = Float.NaN;
        assertThatThrownBy(() -> encode(nan, new long[] {63, 250}, Map.of())).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> encode(trial(0), new long[] {63, 250}, Map.of("subject", "sub-99")))
            .hasMessageContaining("Unknown subject 'sub-99'")
            .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
