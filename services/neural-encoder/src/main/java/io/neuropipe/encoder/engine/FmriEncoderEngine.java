package io.neuropipe.encoder.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.encoder.config.EncoderProperties;
import io.neuropipe.runtime.batch.DynamicBatcher;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.step.InvalidInputException;
import org.springframework.stereotype.Component;

/**
 * Runs the fMRI encoders on pooled voxel vectors [n, P]: deep = the subject's adapter graph then
 * the shared translator (MindBridge), ridge = the subject's linear baseline. Vectors of concurrent
 * requests are batched like EEG trials (batchers {@code fmri-deep} and {@code fmri-ridge}): one
 * adapter call per subject in a batch and one translator call for the whole batch.
 */
@Component
public class FmriEncoderEngine implements AutoCloseable {

    private final ModelRepository models;
    private final EncoderProperties props;
    private final DynamicBatcher<FmriRow, FmriEncoded> deep;
    private final DynamicBatcher<FmriRow, FmriEncoded> ridge;

    public FmriEncoderEngine(ModelRepository models, EncoderProperties props, MeterRegistry registry) {
        this.models = models;
        this.props = props;
        FmriBatchRunner runner = new FmriBatchRunner(() -> models.model(props.fmriTranslatorModel()));
        this.deep = new DynamicBatcher<>("fmri-deep", props.maxBatchSize(), props.maxQueueDelay(), props.queueCapacity(),
            runner::deep, registry);
        this.ridge = new DynamicBatcher<>("fmri-ridge", props.maxBatchSize(), props.maxQueueDelay(), props.queueCapacity(),
            runner::ridge, registry);
    }

    /** Adapter then translator: the embeddings [n][E] of pooled vectors [n][P]. */
    public float[][] deep(OnnxModel adapter, float[][] pooled) {
        return encode(deep, adapter, pooled);
    }

    /** The subject's ridge baseline model; an error naming the subject when there is none. */
    public OnnxModel ridgeModel(String subjectId) {
        String name = props.fmriRidgePrefix() + subjectId;
        if (models.versions(name).isEmpty()) {
            throw new InvalidInputException("Subject '" + subjectId + "' has no ridge model (" + name + "); use model=deep");
        }
        return models.model(name);
    }

    /** A ridge baseline: embeddings [n][E] of pooled vectors [n][P]. */
    public float[][] ridge(OnnxModel ridge, float[][] pooled) {
        return encode(this.ridge, ridge, pooled);
    }

    /**
     * Queues the vectors at most one batch at a time, so a long 4D volume never fills the queue by
     * itself and other requests' vectors still join its model calls.
     */
    private static float[][] encode(DynamicBatcher<FmriRow, FmriEncoded> batcher, OnnxModel model, float[][] pooled) {
        float[][] out = new float[pooled.length][];
        int chunk = batcher.maxBatchSize();
        List<CompletableFuture<FmriEncoded>> pending = new ArrayList<>(Math.min(chunk, pooled.length));
        for (int from = 0; from < pooled.length; from += chunk) {
            pending.clear();
            int to = Math.min(pooled.length, from + chunk);
            for (int i = from; i < to; i++) {
                pending.add(batcher.submit(new FmriRow(model, pooled[i])));
            }
            for (int i = from; i < to; i++) {
                out[i] = BatchFutures.await(pending.get(i - from), "fMRI encoder").orThrow();
            }
        }
        return out;
    }

    /** The input length the subject's graphs take (the pooled length P). */
    public static int pooledLength(OnnxModel model) {
        return Math.toIntExact(model.card().input("voxels").orElseThrow(() -> new IllegalStateException(
            model.card().id() + " has no input with role voxels")).shape().get(1));
    }

    @Override
    public void close() {
        deep.close();
        ridge.close();
    }
}
