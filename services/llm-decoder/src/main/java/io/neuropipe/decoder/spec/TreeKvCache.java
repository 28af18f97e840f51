package io.neuropipe.decoder.spec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;

/**
 * One sequence's KV cache for speculative decoding, kept in two reused direct buffers per layer and kind:
 * {@code cache} ([1, H, P, D], fed as {@code past_key_values.*}) and {@code scratch}, into which ONNX Runtime writes
 * {@code present.*} ([1, H, P + S, D]) as pinned outputs. After a verification pass, {@link #keep(int[])} gathers
 * the past and the accepted nodes' entries from scratch into cache in one pass of bulk copies inside native memory:
 * nothing of the cache is copied into Java arrays, and ORT allocates no output for it. That pass costs about what
 * the graph's own past/present concatenation costs; rejected nodes' entries are simply never copied.
 * For a decoder without the tree mask, {@link #verifyPaths} runs the tree's root-to-leaf paths as a batch instead
 * (the past replicated per path) and {@link #keep(int[])} gathers from the accepted path's batch row.
 */
final class TreeKvCache {

    private final OnnxModel prefillLm;
    private final OnnxModel treeLm;
    private final InferenceScope scope;
    private final int layers;
    private final int heads;
    private final int headDim;
    private final int vocab;
    private final int hidden;
    private final int capacity;
    private final FloatBuffer[] cache;
    private final FloatBuffer[] scratch;
    private FloatBuffer[] batchPast;
    private int length;
    private int pending;
    private PathBatch pendingPaths;

    /**
     * @param prefillLm the plain decoder graph (int64 padding mask) used for the prompt, as plain decoding does
     * @param treeLm    the same decoder taking an additive [B, 1, S, P + S] mask
     * @param capacity  most cached positions plus one tree
     */
    TreeKvCache(OnnxModel prefillLm, OnnxModel treeLm, InferenceScope scope, int capacity) {
        this.prefillLm = prefillLm;
        this.treeLm = treeLm;
        this.scope = scope;
        ModelCard card = treeLm.card();
        this.layers = (int) card.preprocessingNumber("num_layers", 0);
        this.heads = (int) card.preprocessingNumber("num_heads", 0);
        this.headDim = (int) card.preprocessingNumber("head_dim", 0);
        this.vocab = (int) card.preprocessingNumber("vocab_size", 0);
        this.hidden = (int) card.preprocessingNumber("hidden_size", 0);
        this.capacity = capacity;
        this.cache = new FloatBuffer[2 * layers];
        this.scratch = new FloatBuffer[2 * layers];
        for (int i = 0; i < 2 * layers; i++) {
            cache[i] = direct(heads * capacity * headDim);
            scratch[i] = direct(heads * capacity * headDim);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Cached positions. */
    int length() {
        return length;
    }

    /**
     * Runs the prompt (and prefix) through the plain graph and caches all of it.
     *
     * @return logits [vocab] and hidden state [hidden] of the last position
     */
    Forward prefill(float[] embeds, long[] positions, int count) {
        long[] mask = new long[length + count];
        java.util.Arrays.fill(mask, 1L);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("attention_mask", scope.longs(mask, 1, mask.length));
        Forward all = run(prefillLm, embeds, positions, 1, count, inputs);
        keepAll(count);
        float[] logits = new float[vocab];
        float[] last = new float[hidden];
        System.arraycopy(all.logits(), (count - 1) * vocab, logits, 0, vocab);
        System.arraycopy(all.hidden(), (count - 1) * hidden, last, 0, hidden);
        return new Forward(logits, last);
    }

    private void keepAll(int count) {
        int[] nodes = new int[count];
        for (int i = 0; i < count; i++) {
            nodes[i] = i;
        }
        keep(nodes);
    }

    /**
     * Runs all tree nodes in one pass with tree attention; their entries wait in scratch until {@link #keep(int[])}.
     *
     * @param embeds    [N * hidden] input embeddings of the nodes
     * @param positions [N] position ids (the root's position + depth)
     * @return logits [N * vocab] and hidden states [N * hidden]
     */
    Forward verify(DraftTree tree, float[] embeds, long[] positions) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("attention_mask", scope.floats(TreeMask.tree(tree, length), 1, 1, tree.size(), length + tree.size()));
        pendingPaths = null;
        return run(treeLm, embeds, positions, 1, tree.size(), inputs);
    }

    /**
     * Runs the tree's root-to-leaf paths as a batch through the plain decoder graph (causal attention, no tree
     * mask); returns per-node outputs like {@link #verify}.
     *
     * @param rootPosition position id of the root
     */
    Forward verifyPaths(DraftTree tree, long rootPosition, EmbeddingTable embeddings) {
        PathBatch batch = PathBatch.of(tree);
        int b = batch.paths();
        int l = batch.length();
        float[] embeds = new float[b * l * hidden];
        long[] positions = new long[b * l];
        for (int i = 0; i < b * l; i++) {
            embeddings.embed(batch.tokens()[i], embeds, i * hidden);
            positions[i] = rootPosition + i % l;
        }
        long[] mask = new long[b * (length + l)];
        java.util.Arrays.fill(mask, 1L);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("attention_mask", scope.longs(mask, b, length + l));
        Forward rows = run(prefillLm, embeds, positions, b, l, inputs);
        int n = tree.size();
        float[] logits = new float[n * vocab];
        float[] states = new float[n * hidden];
        for (int node = 0; node < n; node++) {
            int row = batch.rowOf()[node] * l + batch.colOf()[node];
            System.arraycopy(rows.logits(), row * vocab, logits, node * vocab, vocab);
            System.arraycopy(rows.hidden(), row * hidden, states, node * hidden, hidden);
        }
        pendingPaths = batch;
        return new Forward(logits, states);
    }

    /** Token embedding lookup (the decoder's input embedding table). */
    interface EmbeddingTable {
        void embed(long token, float[] out, int offset);
    }

    private Forward run(OnnxModel model, float[] embeds, long[] positions, int batch, int count, Map<String, OnnxTensor> inputs) {
        if (length + count > capacity) {
            throw new IllegalStateException("KV cache capacity " + capacity + " exceeded by " + (length + count) + " positions");
        }
        List<OnnxTensor> views = new ArrayList<>();
        inputs.put("inputs_embeds", scope.floats(embeds, batch, count, hidden));
        inputs.put("position_ids", scope.longs(positions, batch, count));
        Map<String, OnnxTensor> pinned = new HashMap<>();
        ensureBatch(batch);
        for (int layer = 0; layer < layers; layer++) {
            for (int kind = 0; kind < 2; kind++) {
                String suffix = layer + (kind == 0 ? ".key" : ".value");
                int i = 2 * layer + kind;
                OnnxTensor past = batch == 1 ? view(cache[i], 1, length, views) : view(replicate(i, batch), batch, length, views);
                OnnxTensor present = view(scratch[i], batch, length + count, views);
                inputs.put("past_key_values." + suffix, past);
                pinned.put("present." + suffix, present);
            }
        }
        Outputs out = scope.run(model, inputs, Set.of("logits", "last_hidden_state"), pinned);
        try {
            pending = count;
            return new Forward(out.floats("logits"), out.floats("last_hidden_state"));
        } finally {
            scope.release(out);
            views.forEach(scope::release);
            for (String role : List.of("inputs_embeds", "position_ids", "attention_mask")) {
                scope.release(inputs.get(role));
            }
        }
    }

    /** Grows scratch (and the replicated past) to hold {@code batch} sequences. */
    private void ensureBatch(int batch) {
        int floats = batch * heads * capacity * headDim;
        if (scratch[0].capacity() < floats) {
            for (int i = 0; i < 2 * layers; i++) {
                scratch[i] = direct(floats);
            }
        }
        if (batch > 1 && (batchPast == null || batchPast[0].capacity() < floats)) {
            batchPast = new FloatBuffer[2 * layers];
            for (int i = 0; i < 2 * layers; i++) {
                batchPast[i] = direct(floats);
            }
        }
    }

    private FloatBuffer replicate(int i, int batch) {
        int one = heads * length * headDim;
        for (int b = 0; b < batch; b++) {
            batchPast[i].put(b * one, cache[i], 0, one);
        }
        return batchPast[i];
    }

    private OnnxTensor view(FloatBuffer buffer, int batch, int positions, List<OnnxTensor> views) {
        FloatBuffer slice = buffer.duplicate().position(0).limit(batch * heads * positions * headDim).slice();
        OnnxTensor tensor = scope.floats(slice, batch, heads, positions, headDim);
        views.add(tensor);
        return tensor;
    }

    /** Appends the given nodes' entries (the accepted path, root first) to the cache; the rest are dropped. */
    void keep(int[] nodes) {
        if (pendingPaths == null) {
            gather(0, nodes);
            return;
        }
        int last = nodes[nodes.length - 1];
        int[] rows = java.util.stream.IntStream.rangeClosed(0, pendingPaths.colOf()[last]).toArray();
        gather(pendingPaths.rowOf()[last], rows);
        pendingPaths = null;
    }

    /** Copies the past and {@code rows} of batch row {@code b} of the last pass from scratch into the cache. */
    private void gather(int b, int[] nodes) {
        int from = length + pending;
        int to = length + nodes.length;
        int rowLength = headDim;
        for (int i = 0; i < 2 * layers; i++) {
            FloatBuffer src = scratch[i];
            FloatBuffer dst = cache[i];
            for (int h = 0; h < heads; h++) {
                int srcHead = (b * heads + h) * from * headDim;
                int dstHead = h * to * headDim;
                dst.put(dstHead, src, srcHead, length * headDim);
                for (int j = 0; j < nodes.length; j++) {
                    dst.put(dstHead + (length + j) * headDim, src, srcHead + (length + nodes[j]) * headDim, rowLength);
                }
            }
        }
        length = to;
        pending = 0;
    }

    /**
     * Outputs of one pass.
     *
     * @param logits [S * vocab]
     * @param hidden [S * hidden] last hidden states (after the final norm, what the draft heads read)
     */
    record Forward(float[] logits, float[] hidden) {
    }
}
