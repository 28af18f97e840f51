package io.neuropipe.encoder.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.encoder.EncoderFixture;
import io.neuropipe.encoder.config.EncoderProperties;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.InferenceException;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent fMRI requests share model calls (the batch-size meter sees batches > 1) and get the
 * embeddings each request gets alone, over the zoo's trained adapters, translator and ridge models.
 */
class FmriBatchingTest {

    static final int REQUESTS = 8;
    static ModelRepository models;
    static SimpleMeterRegistry registry;
    static FmriEncoderEngine engine;

    @BeforeAll
    static void load() {
        registry = new SimpleMeterRegistry();
        models = new ModelRepository(new ModelRepositoryProperties(EncoderFixture.MODELS.resolve("repository"), Map.of(),
            Duration.ZERO, Duration.ZERO, false), new ExecutionProviders(OnnxRuntimeProperties.defaults()), registry);
        // a long flush delay so that requests released together surely meet in one batch on a busy machine
        engine = new FmriEncoderEngine(models, new EncoderProperties("eeg-encoder", "eeg-ridge", "fmri-translator", "fmri-ridge-",
            16, Duration.ofMillis(300), 1024), registry);
    }

    @AfterAll
    static void close() {
        engine.close();
        models.close();
    }

    /** Request r: 1 or 2 pooled vectors of subject subj01 (even r) or subj02 (odd r). */
    static float[][] vectors(int r, int length) {
        SplittableRandom random = new SplittableRandom(42 + r);
        float[][] v = new float[1 + r % 2][length];
        for (float[] row : v) {
            for (int i = 0; i < length; i++) {
                row[i] = (float) (random.nextGaussian());
            }
        }
        return v;
    }

    static String subject(int r) {
        return r % 2 == 0 ? "subj01" : "subj02";
    }

    @Test
    void concurrentDeepRequestsShareAdapterAndTranslatorCallsAndMatchUnbatched() throws Exception {
        OnnxModel translator = models.model("fmri-translator");
        assertConcurrentMatchesAlone("fmri-deep", r -> models.model("fmri-adapter-" + subject(r)), engine::deep,
            (model, row) -> FmriBatchRunner.run(translator, "hidden", FmriBatchRunner.run(model, "voxels", new float[][] {row}, "hidden"),
                "embedding")[0]);
    }

    @Test
    void concurrentRidgeRequestsShareCallsAndMatchUnbatched() throws Exception {
        assertConcurrentMatchesAlone("fmri-ridge", r -> engine.ridgeModel(subject(r)), engine::ridge,
            (model, row) -> FmriBatchRunner.run(model, "voxels", new float[][] {row}, "embedding")[0]);
    }

    private void assertConcurrentMatchesAlone(String batcher, java.util.function.IntFunction<OnnxModel> modelOf,
                                              BiFunction<OnnxModel, float[][], float[][]> encode,
                                              BiFunction<OnnxModel, float[], float[]> alone) throws Exception {
        DistributionSummary sizes = registry.get("neuropipe.batch.size").tag("batcher", batcher).summary();
        long callsBefore = sizes.count();
        double rowsBefore = sizes.totalAmount();
        int length = FmriEncoderEngine.pooledLength(modelOf.apply(0));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(REQUESTS);
        try {
            List<CompletableFuture<float[][]>> results = new ArrayList<>();
            for (int r = 0; r < REQUESTS; r++) {
                int request = r;
                results.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(start);
                    return encode.apply(modelOf.apply(request), vectors(request, length));
                }, pool));
            }
            start.countDown();
            int rows = 0;
            for (int r = 0; r < REQUESTS; r++) {
                float[][] got = results.get(r).get();
                float[][] in = vectors(r, length);
                assertThat(got).hasNumberOfRows(in.length);
                for (int i = 0; i < in.length; i++) {
                    float[] expected = alone.apply(modelOf.apply(r), in[i]);
                    assertThat(got[i]).hasSize(expected.length);
                    for (int d = 0; d < expected.length; d++) {
                        assertThat(Math.abs(got[i][d] - expected[d])).as("request %d row %d dim %d", r, i, d).isLessThan(1e-5f);
                    }
                }
                rows += in.length;
            }
            long calls = sizes.count() - callsBefore;
            assertThat(sizes.totalAmount() - rowsBefore).isEqualTo(rows);
            assertThat(calls).as("batches for %d rows of %d requests", rows, REQUESTS).isLessThan(REQUESTS);
            assertThat(sizes.max()).isGreaterThan(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingSubjectModelFailsOnlyItsOwnRowsOfTheBatch() throws Exception {
        OnnxModel subj01 = engine.ridgeModel("subj01");
        OnnxModel subj02 = engine.ridgeModel("subj02");
        int length = FmriEncoderEngine.pooledLength(subj02);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<float[][]> bad = CompletableFuture.supplyAsync(() -> {
                awaitQuietly(start);
                return engine.ridge(subj01, new float[][] {new float[length / 2]});
            }, pool);
            CompletableFuture<float[][]> good = CompletableFuture.supplyAsync(() -> {
                awaitQuietly(start);
                return engine.ridge(subj02, vectors(1, length));
            }, pool);
            start.countDown();
            assertThat(good.get()).hasNumberOfRows(2);
            assertThatThrownBy(bad::join).hasCauseInstanceOf(InferenceException.class).hasMessageContaining("fmri-ridge-subj01");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRequestLongerThanOneBatchIsSplitAndKeepsItsOrder() {
        OnnxModel model = engine.ridgeModel("subj03");
        int length = FmriEncoderEngine.pooledLength(model);
        float[][] many = new float[40][];
        for (int i = 0; i < many.length; i++) {
            many[i] = vectors(2 * i, length)[0];
        }
        float[][] got = engine.ridge(model, many);
        for (int i = 0; i < many.length; i++) {
            assertThat(got[i]).containsExactly(FmriBatchRunner.run(model, "voxels", new float[][] {many[i]}, "embedding")[0],
                org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
