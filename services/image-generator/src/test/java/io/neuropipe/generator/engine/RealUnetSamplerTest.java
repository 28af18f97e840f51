package io.neuropipe.generator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.generator.domain.PropagationSchedules;
import io.neuropipe.generator.domain.SamplingPlan;
import io.neuropipe.generator.domain.SeededNoise;
import io.neuropipe.runtime.step.StepParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java sampler over the zoo's exported UNet halves: agreement with the zoo's Python
 * {@code ddim_sample} on the same initial noise, parallel == sequential decoding, and batched ==
 * unbatched across concurrent requests. Skipped until the UNet is in the model repository.
 */
class RealUnetSamplerTest {

    private static RealUnet unet;
    private static DirectUnetRunner direct;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws IOException {
        assumeTrue(RealUnet.available(), "UNet halves not exported yet under " + RealUnet.repository());
        unet = RealUnet.load();
        direct = new DirectUnetRunner(unet.engine);
        try (InputStream in = RealUnetSamplerTest.class.getResourceAsStream("/reference/reference.json")) {
            reference = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void close() {
        if (unet != null) {
            unet.close();
        }
    }

    static float[] floats(String resource) throws IOException {
        try (InputStream in = RealUnetSamplerTest.class.getResourceAsStream("/reference/" + resource)) {
            byte[] bytes = in.readAllBytes();
            float[] out = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    static SamplingPlan plan(UnetSpec spec, String schedule, int steps, boolean parallel, boolean inject) {
        int[] keys = PropagationSchedules.builtIn().get(schedule).keySteps(steps, StepParams.of(Map.of(), Map.of()), spec.propagation());
        return new SamplingPlan(schedule, spec.schedule().timesteps(steps), keys, parallel, 16,
            inject ? spec.propagation().injectionBelowT() : 0, spec.propagation().injectionScale());
    }

    private static double[] diff(float[] a, float[] b) {
        double max = 0;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            max = Math.max(max, d);
            sum += d;
        }
        return new double[] {max, sum / a.length};
    }

    private static void assumeReferenceMatchesServedModels() {
        UnetSpec spec = direct.spec();
        assumeTrue(reference.get("unet_encoder_sha256").asText().equals(spec.encoderSha256())
                && reference.get("unet_decoder_sha256").asText().equals(spec.decoderSha256()),
            "reference was made for other UNet weights; regenerate it with src/test/python/make_reference.py");
    }

    @Test
    void fullUnetMatchesThePythonReferenceOnTheSameNoise() throws IOException {
        assumeReferenceMatchesServedModels();
        UnetSpec spec = direct.spec();
        SampleResult r = new DdimSampler(direct).sample(new SampleRequest(floats("condition.f32"), floats("noise.f32"), 3.0,
            plan(spec, "off", 20, false, false)));
        double[] d = diff(r.image(), floats("off_20.f32"));
        System.out.printf("off, 20 steps vs python: max %.2e mean %.2e%n", d[0], d[1]);
        assertThat(d[1]).isLessThan(1e-5);
        assertThat(d[0]).isLessThan(1e-3);
        assertThat(r.encoderCalls()).isEqualTo(20);
    }

    @Test
    void encoderPropagationMatchesThePythonReferenceOnTheSameNoise() throws IOException {
        assumeReferenceMatchesServedModels();
        UnetSpec spec = direct.spec();
        SampleResult r = new DdimSampler(direct).sample(new SampleRequest(floats("condition.f32"), floats("noise.f32"), 3.0,
            plan(spec, "keysteps", 50, false, true)));
        double[] d = diff(r.image(), floats("keysteps_50.f32"));
        System.out.printf("keysteps, 50 steps vs python: max %.2e mean %.2e%n", d[0], d[1]);
        assertThat(d[1]).isLessThan(1e-5);
        assertThat(d[0]).isLessThan(1e-3);
        assertThat(r.encoderCalls()).isEqualTo(9);
    }

    @Test
    void parallelDecodingEqualsSequentialDecoding() {
        UnetSpec spec = direct.spec();
        float[] cond = SeededNoise.gaussian(99, spec.conditionDim());
        float[] noise = SeededNoise.gaussian(5, 3 * spec.imageSize() * spec.imageSize());
        SampleResult seq = new DdimSampler(direct).sample(new SampleRequest(cond, noise, 3.0, plan(spec, "keysteps", 25, false, true)));
        SampleResult par = new DdimSampler(direct).sample(new SampleRequest(cond, noise, 3.0, plan(spec, "keysteps", 25, true, true)));
        assertThat(par.encoderCalls()).isEqualTo(seq.encoderCalls()).isEqualTo(8);
        assertThat(par.decoderCalls()).isEqualTo(8);
        assertThat(diff(par.image(), seq.image())[0]).isLessThan(1e-4);
    }

    @Test
    void batchingAcrossConcurrentRequestsGivesWhatEachRequestGetsAlone() {
        UnetSpec spec = direct.spec();
        int n = 4;
        List<SampleRequest> requests = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(new SampleRequest(SeededNoise.gaussian(100 + i, spec.conditionDim()),
                SeededNoise.gaussian(i, 3 * spec.imageSize() * spec.imageSize()), 3.0,
                plan(spec, i % 2 == 0 ? "off" : "keysteps", 10 + i, i == 3, i % 2 == 1)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try (BatchingUnetRunner batching = new BatchingUnetRunner(unet.engine, 8, Duration.ofMillis(2), 64, new SimpleMeterRegistry())) {
            List<CompletableFuture<SampleResult>> together = requests.stream()
                .map(r -> CompletableFuture.supplyAsync(() -> new DdimSampler(batching).sample(r), pool)).toList();
            for (int i = 0; i < n; i++) {
                SampleResult alone = new DdimSampler(direct).sample(requests.get(i));
                SampleResult batched = together.get(i).join();
                assertThat(batched.encoderCalls()).isEqualTo(alone.encoderCalls());
                assertThat(diff(batched.image(), alone.image())[0]).as("request %d", i).isLessThan(1e-4);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void generateStepIsDeterministicBySeedOnTheRealUnet() {
        io.neuropipe.generator.step.GenerateStep step = new io.neuropipe.generator.step.GenerateStep(new DdimSampler(direct), direct,
            PropagationSchedules.builtIn(), io.neuropipe.generator.config.GeneratorProperties.defaults(), new SimpleMeterRegistry());
        float[] cond = SeededNoise.gaussian(1, 128);
        Map<String, String> p = Map.of("steps", "10", "seed", "4", "propagation", "keysteps", "parallel", "true");
        byte[] a = GenerateStepPngs.png(step, cond, p);
        assertThat(GenerateStepPngs.png(step, cond, p)).isEqualTo(a);
        assertThat(GenerateStepPngs.png(step, cond, Map.of("steps", "10", "seed", "5", "propagation", "keysteps", "parallel", "true")))
            .isNotEqualTo(a);
    }
}
