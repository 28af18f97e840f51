package io.neuropipe.encoder.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.encoder.config.EncoderProperties;
import io.neuropipe.encoder.domain.EegTrial;
import io.neuropipe.runtime.batch.DynamicBatcher;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;

/** Runs one EEG encoder model (deep or ridge), batching concurrent trials into one model call. */
public class EegEncoderEngine implements AutoCloseable {

    private final ModelRepository models;
    private final String modelName;
    private final DynamicBatcher<EegTrial, float[]> batcher;
    /** Each calling thread's model input buffer (the batcher's worker, a stream runner), grown to its largest batch. */
    private final ThreadLocal<FloatBuffer> inputs = new ThreadLocal<>();

    public EegEncoderEngine(ModelRepository models, String modelName, EncoderProperties props, MeterRegistry registry) {
        this.models = models;
        this.modelName = modelName;
        models.model(modelName);
        this.batcher = new DynamicBatcher<>(modelName, props.maxBatchSize(), props.maxQueueDelay(), props.queueCapacity(),
            this::encodeBatch, registry);
    }

    public ModelCard card() {
        return models.model(modelName).card();
    }

    /** The L2-normalised embedding of one trial. */
    public float[] encode(EegTrial trial) {
        return BatchFutures.await(batcher.submit(trial), "EEG encoder");
    }

    /** The embeddings of several trials (one recording's epochs), submitted together so they share model calls. */
    public List<float[]> encodeAll(List<EegTrial> trials) {
        List<java.util.concurrent.Future<float[]>> pending = new ArrayList<>(trials.size());
        for (EegTrial t : trials) {
            pending.add(batcher.submit(t));
        }
        List<float[]> out = new ArrayList<>(trials.size());
        for (java.util.concurrent.Future<float[]> f : pending) {
            out.add(BatchFutures.await(f, "EEG encoder"));
        }
        return out;
    }

    /**
     * The embeddings of {@code trials} computed on the calling thread, as model calls of at most
     * the batcher's max batch size each, without waiting for other requests to share them: for a
     * caller that already holds a whole batch (a stream poll's windows).
     */
    public List<float[]> encodeInline(List<EegTrial> trials) {
        List<float[]> out = new ArrayList<>(trials.size());
        for (int from = 0; from < trials.size(); from += batcher.maxBatchSize()) {
            out.addAll(encodeBatch(trials.subList(from, Math.min(trials.size(), from + batcher.maxBatchSize()))));
        }
        return out;
    }

    List<float[]> encodeBatch(List<EegTrial> trials) {
        OnnxModel model = models.model(modelName);
        int n = trials.size();
        int perTrial = trials.get(0).samples().length;
        FloatBuffer eeg = inputBuffer(n * perTrial);
        long[] subjects = new long[n];
        for (int i = 0; i < n; i++) {
            eeg.put(trials.get(i).samples());
            subjects[i] = trials.get(i).subject();
        }
        eeg.flip();
        long[] shape = model.card().input("eeg").orElseThrow().shape().stream().mapToLong(Long::longValue).toArray();
        shape[0] = n;
        try (InferenceScope scope = model.scope()) {
            Map<String, ai.onnxruntime.OnnxTensor> inputs = model.card().input("subject").isPresent()
                ? Map.of("eeg", scope.floats(eeg, shape), "subject", scope.longs(subjects, n))
                : Map.of("eeg", scope.floats(eeg, shape));
            Outputs out = scope.run(model, inputs);
            FloatBuffer embeddings = out.floatBuffer("embedding");
            int dim = embeddings.remaining() / n;
            List<float[]> result = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[] e = new float[dim];
                embeddings.get(e);
                result.add(e);
            }
            return result;
        }
    }

    private FloatBuffer inputBuffer(int floats) {
        FloatBuffer b = inputs.get();
        if (b == null || b.capacity() < floats) {
            b = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            inputs.set(b);
        }
        b.clear();
        return b.limit(floats);
    }

    @Override
    public void close() {
        batcher.close();
    }
}
