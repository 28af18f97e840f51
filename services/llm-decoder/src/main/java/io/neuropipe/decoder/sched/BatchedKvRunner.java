package io.neuropipe.decoder.sched;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import io.neuropipe.decoder.kv.KvSnapshot;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;

/**
 * Runs the decoder graph for the engine (vLLM's model runner role): a prefill per new sequence, and one call per decode
 * step for every running sequence together.
 *
 * <p>The batch's KV cache is one set of ORT tensors [batch, heads, width, headDim], each sequence's positions right-aligned
 * (left padding, masked by {@code attention_mask}), so each step's {@code present.*} outputs feed the next step as they are.
 * Only when the batch's membership changes (a sequence joins or leaves) are the rows copied into a new, tightly padded set
 * of tensors; steady decoding copies nothing. RoPE is applied from {@code position_ids}, so padding does not shift positions.
 */
final class BatchedKvRunner implements AutoCloseable {

    private final OnnxModel lm;
    private final InferenceScope scope;
    private final int layers;
    private final int heads;
    private final int headDim;
    private final int vocab;
    private final int hidden;
    private final Set<String> outputRoles = new HashSet<>();
    private final Map<Long, Outputs> prefilled = new HashMap<>();
    private final Map<Long, Integer> prefilledLength = new HashMap<>();

    private long[] ids = new long[0];
    private int[] lengths = new int[0];
    private int width;
    private OnnxTensor[] keys;
    private OnnxTensor[] values;
    private Outputs batchOutputs;
    private final List<OnnxTensor> batchTensors = new ArrayList<>();

    BatchedKvRunner(OnnxModel lm, int hidden) {
        this.lm = lm;
        this.scope = lm.scope();
        ModelCard card = lm.card();
        this.layers = (int) card.preprocessingNumber("num_layers", 0);
        this.heads = (int) card.preprocessingNumber("num_heads", 0);
        this.headDim = (int) card.preprocessingNumber("head_dim", 0);
        this.vocab = (int) card.preprocessingNumber("vocab_size", 0);
        this.hidden = hidden;
        outputRoles.add("logits");
        for (int i = 0; i < layers; i++) {
            outputRoles.add(presentRole(i, "key"));
            outputRoles.add(presentRole(i, "value"));
        }
    }

    /**
     * Runs one sequence's prompt rows on top of {@code past} (null for an empty cache) and keeps its cache until the
     * sequence joins a decode batch or is released. Returns the logits of the last row.
     */
    float[] prefill(long id, float[] embeds, long[] positions, int count, KvSnapshot past) {
        int pastLength = past == null ? 0 : past.tokens();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        List<OnnxTensor> created = new ArrayList<>();
        inputs.put("inputs_embeds", track(created, scope.floats(embeds, 1, count, hidden)));
        inputs.put("position_ids", track(created, scope.longs(positions, 1, count)));
        long[] mask = new long[pastLength + count];
        Arrays.fill(mask, 1L);
        inputs.put("attention_mask", track(created, scope.longs(mask, 1, mask.length)));
        for (int i = 0; i < layers; i++) {
            inputs.put(pastRole(i, "key"), track(created, scope.floats(past == null ? new float[0] : past.keys()[i], 1, heads,
                pastLength, headDim)));
            inputs.put(pastRole(i, "value"), track(created, scope.floats(past == null ? new float[0] : past.values()[i], 1, heads,
                pastLength, headDim)));
        }
        Outputs out;
        try {
            out = scope.run(lm, inputs, outputRoles);
        } finally {
            created.forEach(scope::release);
        }
        prefilled.put(id, out);
        prefilledLength.put(id, pastLength + count);
        float[] last = new float[vocab];
        out.floatBuffer("logits").get((count - 1) * vocab, last);
        return last;
    }

    /** A copy of a prefilled (not yet batched) sequence's cache. */
    KvSnapshot snapshot(long id) {
        Outputs out = prefilled.get(id);
        float[][] k = new float[layers][];
        float[][] v = new float[layers][];
        for (int i = 0; i < layers; i++) {
            k[i] = out.floats(presentRole(i, "key"));
            v[i] = out.floats(presentRole(i, "value"));
        }
        return new KvSnapshot(layers, heads, prefilledLength.get(id), headDim, k, v);
    }

    /** Drops a prefilled sequence that will not decode (it finished on its first token). */
    void release(long id) {
        Outputs out = prefilled.remove(id);
        prefilledLength.remove(id);
        if (out != null) {
            scope.release(out);
        }
    }

    /**
     * One decode step: row i feeds {@code tokens[i]}'s embedding at {@code positions[i]} for sequence {@code batchIds[i]},
     * each of which was prefilled or was in the previous step's batch. Returns one row of logits per sequence.
     */
    float[][] decode(long[] batchIds, float[] tokenEmbeds, long[] positions) {
        if (!Arrays.equals(batchIds, ids)) {
            regroup(batchIds);
        }
        int b = batchIds.length;
        Map<String, OnnxTensor> inputs = new HashMap<>();
        List<OnnxTensor> created = new ArrayList<>();
        inputs.put("inputs_embeds", track(created, scope.floats(tokenEmbeds, b, 1, hidden)));
        inputs.put("position_ids", track(created, scope.longs(positions, b, 1)));
        long[] mask = new long[b * (width + 1)];
        for (int r = 0; r < b; r++) {
            Arrays.fill(mask, r * (width + 1) + width - lengths[r], (r + 1) * (width + 1), 1L);
        }
        inputs.put("attention_mask", track(created, scope.longs(mask, b, width + 1)));
        for (int i = 0; i < layers; i++) {
            inputs.put(pastRole(i, "key"), keys[i]);
            inputs.put(pastRole(i, "value"), values[i]);
        }
        Outputs out;
        try {
            out = scope.run(lm, inputs, outputRoles);
        } finally {
            created.forEach(scope::release);
        }
        releaseBatch();
        batchOutputs = out;
        for (int i = 0; i < layers; i++) {
            keys[i] = out.tensor(presentRole(i, "key"));
            values[i] = out.tensor(presentRole(i, "value"));
        }
        width++;
        for (int r = 0; r < b; r++) {
            lengths[r]++;
        }
        FloatBuffer logits = out.floatBuffer("logits");
        float[][] rows = new float[b][vocab];
        for (int r = 0; r < b; r++) {
            logits.get(r * vocab, rows[r]);
        }
        return rows;
    }

    /** Copies each member's valid rows into new, right-aligned batch tensors. */
    private void regroup(long[] batchIds) {
        int b = batchIds.length;
        int[] newLengths = new int[b];
        Map<Long, Integer> oldRow = new HashMap<>();
        for (int r = 0; r < ids.length; r++) {
            oldRow.put(ids[r], r);
        }
        for (int r = 0; r < b; r++) {
            Integer row = oldRow.get(batchIds[r]);
            Integer length = row != null ? Integer.valueOf(lengths[row]) : prefilledLength.get(batchIds[r]);
            if (length == null) {
                throw new IllegalStateException("Sequence " + batchIds[r] + " was neither prefilled nor in the batch");
            }
            newLengths[r] = length;
        }
        int newWidth = Arrays.stream(newLengths).max().orElse(0);
        boolean anyStays = Arrays.stream(batchIds).anyMatch(oldRow::containsKey);
        OnnxTensor[] newKeys = new OnnxTensor[layers];
        OnnxTensor[] newValues = new OnnxTensor[layers];
        List<OnnxTensor> newTensors = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            for (String kind : List.of("key", "value")) {
                float[] old = !anyStays ? null : read(kind.equals("key") ? keys[i] : values[i]);
                FloatBuffer dst = ByteBuffer.allocateDirect(b * heads * newWidth * headDim * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
                for (int r = 0; r < b; r++) {
                    Integer row = oldRow.get(batchIds[r]);
                    float[] src = row != null ? old : read(prefilled.get(batchIds[r]).tensor(presentRole(i, kind)));
                    int srcRow = row != null ? row : 0;
                    int srcWidth = row != null ? width : newLengths[r];
                    for (int h = 0; h < heads; h++) {
                        int from = ((srcRow * heads + h) * srcWidth + srcWidth - newLengths[r]) * headDim;
                        int to = ((r * heads + h) * newWidth + newWidth - newLengths[r]) * headDim;
                        dst.put(to, src, from, newLengths[r] * headDim);
                    }
                }
                OnnxTensor t = scope.floats(dst, b, heads, newWidth, headDim);
                newTensors.add(t);
                if (kind.equals("key")) {
                    newKeys[i] = t;
                } else {
                    newValues[i] = t;
                }
            }
        }
        releaseBatch();
        for (long id : batchIds) {
            if (!oldRow.containsKey(id)) {
                release(id);
            }
        }
        batchTensors.addAll(newTensors);
        keys = newKeys;
        values = newValues;
        ids = batchIds.clone();
        lengths = newLengths;
        width = newWidth;
    }

    private static float[] read(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] data = new float[buffer.remaining()];
        buffer.get(data);
        return data;
    }

    private void releaseBatch() {
        if (batchOutputs != null) {
            scope.release(batchOutputs);
            batchOutputs = null;
        }
        batchTensors.forEach(scope::release);
        batchTensors.clear();
    }

    /** Forgets the batch and every prefilled cache (after a failed step). */
    void reset() {
        releaseBatch();
        new ArrayList<>(prefilled.keySet()).forEach(this::release);
        ids = new long[0];
        lengths = new int[0];
        width = 0;
        keys = null;
        values = null;
    }

    private static OnnxTensor track(List<OnnxTensor> created, OnnxTensor tensor) {
        created.add(tensor);
        return tensor;
    }

    private static String pastRole(int layer, String kind) {
        return "past_key_values." + layer + "." + kind;
    }

    private static String presentRole(int layer, String kind) {
        return "present." + layer + "." + kind;
    }

    @Override
    public void close() {
        scope.close();
    }
}
