package io.neuropipe.decoder.engine;

import java.util.HashMap;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;

/**
 * Runs one sequence through the decoder graph step by step. The KV cache stays in ONNX Runtime
 * tensors: each step's {@code present.*} outputs are fed back as the next step's
 * {@code past_key_values.*} inputs, and the superseded step's outputs are released.
 */
public final class KvCacheRunner {

    private final OnnxModel lm;
    private final InferenceScope scope;
    private final int layers;
    private final int heads;
    private final int headDim;
    private final int vocab;
    private Outputs previous;
    private int pastLength;

    public KvCacheRunner(OnnxModel lm, InferenceScope scope) {
        this.lm = lm;
        this.scope = scope;
        ModelCard card = lm.card();
        this.layers = (int) card.preprocessingNumber("num_layers", 0);
        this.heads = (int) card.preprocessingNumber("num_heads", 0);
        this.headDim = (int) card.preprocessingNumber("head_dim", 0);
        this.vocab = (int) card.preprocessingNumber("vocab_size", 0);
    }

    public int pastLength() {
        return pastLength;
    }

    /** Feeds {@code count} embeddings with their positions; returns the logits of the last position. */
    public float[] forward(float[] embeds, long[] positions, int count, int hidden) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("inputs_embeds", scope.floats(embeds, 1, count, hidden));
        inputs.put("position_ids", scope.longs(positions, 1, count));
        long[] mask = new long[pastLength + count];
        java.util.Arrays.fill(mask, 1L);
        inputs.put("attention_mask", scope.longs(mask, 1, mask.length));
        for (int i = 0; i < layers; i++) {
            inputs.put("past_key_values." + i + ".key", past("key", i));
            inputs.put("past_key_values." + i + ".value", past("value", i));
        }
        Outputs out = scope.run(lm, inputs);
        if (previous != null) {
            scope.release(previous);
        }
        previous = out;
        pastLength += count;
        java.nio.FloatBuffer logits = out.floatBuffer("logits");
        float[] last = new float[vocab];
        logits.position((count - 1) * vocab);
        logits.get(last);
        return last;
    }

    private OnnxTensor past(String kind, int layer) {
        if (previous == null) {
            return scope.floats(new float[0], 1, heads, 0, headDim);
        }
        return previous.tensor("present." + layer + "." + kind);
    }
}
