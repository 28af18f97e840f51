package io.neuropipe.decoder.spec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
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
 * The graph's other inputs and outputs (embeddings, positions, tree mask, logits, hidden states) live in staging
 * buffers reused across passes, and every buffer comes from a {@link DirectBufferPool} shared across requests and goes
 * back on {@link #close()}: a pass allocates no native memory.
 * For a decoder without the tree mask, {@link #verifyPaths} runs the tree's root-to-leaf paths as a batch instead
 * (the past replicated per path) and {@link #keep(int[])} gathers from the accepted path's batch row.
 */
final class TreeKvCache implements AutoCloseable {

    /** Output role of a tree graph with the Medusa heads fused in: [B, S, heads, vocab]. */
    static final String DRAFT_ROLE = "medusa_logits";
    private static final List<String> STAGED = List.of("inputs_embeds", "position_ids", "attention_mask");

    private final OnnxModel prefillLm;
    private final OnnxModel treeLm;
    private final InferenceScope scope;
    private final DirectBufferPool pool;
    private final int layers;
    private final int heads;
    private final int headDim;
    private final int vocab;
    private final int hidden;
    private final int capacity;
    private final int draftWidth;
    private final String[] pastRoles;
    private final String[] presentRoles;
    private final FloatBuffer[] cache;
    private final FloatBuffer[] scratch;
    private FloatBuffer[] batchPast;
    private FloatBuffer embedsStage;
    private FloatBuffer maskStage;
    private FloatBuffer logitsStage;
    private FloatBuffer hiddenStage;
    private FloatBuffer draftStage;
    private LongBuffer positionsStage;
    private float[] mask = new float[0];
    private int length;
    private int pending;
    private PathBatch pendingPaths;

    /**
     * @param prefillLm the plain decoder graph (int64 padding mask) used for the prompt, as plain decoding does
     * @param treeLm    the same decoder taking an additive [B, 1, S, P + S] mask
     * @param pool      where the buffers come from and go back to on {@link #close()}
     * @param capacity  most cached positions plus one tree
     * @param draftWidth floats per position of the tree graph's {@value #DRAFT_ROLE} output (heads * vocab), 0 for a
     *                  tree graph without draft heads
     */
    TreeKvCache(OnnxModel prefillLm, OnnxModel treeLm, InferenceScope scope, DirectBufferPool pool, int capacity, int draftWidth) {
        this.prefillLm = prefillLm;
        this.treeLm = treeLm;
        this.scope = scope;
        this.pool = pool;
        ModelCard card = treeLm.card();
        this.layers = (int) card.preprocessingNumber("num_layers", 0);
        this.heads = (int) card.preprocessingNumber("num_heads", 0);
        this.headDim = (int) card.preprocessingNumber("head_dim", 0);
        this.vocab = (int) card.preprocessingNumber("vocab_size", 0);
        this.hidden = (int) card.preprocessingNumber("hidden_size", 0);
        this.capacity = capacity;
        this.draftWidth = draftWidth;
        this.pastRoles = new String[2 * layers];
        this.presentRoles = new String[2 * layers];
        this.cache = new FloatBuffer[2 * layers];
        this.scratch = new FloatBuffer[2 * layers];
        for (int i = 0; i < 2 * layers; i++) {
            String suffix = i / 2 + (i % 2 == 0 ? ".key" : ".value");
            pastRoles[i] = "past_key_values." + suffix;
            presentRoles[i] = "present." + suffix;
            cache[i] = pool.take(heads * capacity * headDim);
            scratch[i] = pool.take(heads * capacity * headDim);
        }
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
        Forward all = run(prefillLm, embeds, positions, 1, count, inputs, 0);
        keepAll(count);
        float[] logits = new float[vocab];
        float[] last = new float[hidden];
        System.arraycopy(all.logits(), (count - 1) * vocab, logits, 0, vocab);
        System.arraycopy(all.hidden(), (count - 1) * hidden, last, 0, hidden);
        return new Forward(logits, last, null);
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
        int s = tree.size();
        int width = length + s;
        if (mask.length < s * width) {
            mask = new float[Math.max(s * width, 2 * mask.length)];
        }
        TreeMask.tree(tree, length, mask);
        maskStage = atLeast(maskStage, s * width);
        maskStage.put(0, mask, 0, s * width);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("attention_mask", scope.floats(slice(maskStage, s * width), 1, 1, s, width));
        pendingPaths = null;
        return run(treeLm, embeds, positions, 1, s, inputs, draftWidth);
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
        Forward rows = run(prefillLm, embeds, positions, b, l, inputs, 0);
        int n = tree.size();
        float[] logits = new float[n * vocab];
        float[] states = new float[n * hidden];
        for (int node = 0; node < n; node++) {
            int row = batch.rowOf()[node] * l + batch.colOf()[node];
            System.arraycopy(rows.logits(), row * vocab, logits, node * vocab, vocab);
            System.arraycopy(rows.hidden(), row * hidden, states, node * hidden, hidden);
        }
        pendingPaths = batch;
        return new Forward(logits, states, null);
    }

    /** Token embedding lookup (the decoder's input embedding table). */
    interface EmbeddingTable {
        void embed(long token, float[] out, int offset);
    }

    private Forward run(OnnxModel model, float[] embeds, long[] positions, int batch, int count, Map<String, OnnxTensor> inputs,
                        int draft) {
        if (length + count > capacity) {
            throw new IllegalStateException("KV cache capacity " + capacity + " exceeded by " + (length + count) + " positions");
        }
        int rows = batch * count;
        embedsStage = atLeast(embedsStage, rows * hidden);
        embedsStage.put(0, embeds, 0, rows * hidden);
        if (positionsStage == null || positionsStage.capacity() < rows) {
            positionsStage = ByteBuffer.allocateDirect(Math.max(rows, 64) * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        }
        positionsStage.put(0, positions, 0, rows);
        logitsStage = atLeast(logitsStage, rows * vocab);
        hiddenStage = atLeast(hiddenStage, rows * hidden);
        List<OnnxTensor> views = new ArrayList<>(4 * layers + 2);
        inputs.put("inputs_embeds", scope.floats(slice(embedsStage, rows * hidden), batch, count, hidden));
        inputs.put("position_ids", scope.longs(positionsStage.duplicate().position(0).limit(rows).slice(), batch, count));
        Map<String, OnnxTensor> pinned = new HashMap<>();
        pinned.put("logits", view(slice(logitsStage, rows * vocab), views, batch, count, vocab));
        pinned.put("last_hidden_state", view(slice(hiddenStage, rows * hidden), views, batch, count, hidden));
        if (draft > 0) {
            draftStage = atLeast(draftStage, rows * draft);
            pinned.put(DRAFT_ROLE, view(slice(draftStage, rows * draft), views, batch, count, draft / vocab, vocab));
        }
        ensureBatch(batch);
        for (int i = 0; i < 2 * layers; i++) {
            FloatBuffer past = batch == 1 ? cache[i] : replicate(i, batch);
            inputs.put(pastRoles[i], view(slice(past, batch * heads * length * headDim), views, batch, heads, length, headDim));
            pinned.put(presentRoles[i], view(slice(scratch[i], batch * heads * (length + count) * headDim), views, batch, heads,
                length + count, headDim));
        }
        Outputs out = scope.run(model, inputs, Set.of(), pinned);
        try {
            pending = count;
            float[] logits = new float[rows * vocab];
            float[] states = new float[rows * hidden];
            logitsStage.get(0, logits);
            hiddenStage.get(0, states);
            float[] drafts = null;
            if (draft > 0) {
                drafts = new float[rows * draft];
                draftStage.get(0, drafts);
            }
            return new Forward(logits, states, drafts);
        } finally {
            scope.release(out);
            views.forEach(scope::release);
            for (String role : STAGED) {
                scope.release(inputs.get(role));
            }
        }
    }

    private static FloatBuffer slice(FloatBuffer buffer, int floats) {
        return buffer.duplicate().position(0).limit(floats).slice();
    }

    /** Grows scratch (and the replicated past) to hold {@code batch} sequences. */
    private void ensureBatch(int batch) {
        int floats = batch * heads * capacity * headDim;
        if (batch > 1 && batchPast == null) {
            batchPast = new FloatBuffer[2 * layers];
        }
        for (int i = 0; i < 2 * layers; i++) {
            scratch[i] = atLeast(scratch[i], floats);
            if (batch > 1) {
                batchPast[i] = atLeast(batchPast[i], floats);
            }
        }
    }

    /** Pooled buffers differ in size, so each one is checked. */
    private FloatBuffer atLeast(FloatBuffer buffer, int floats) {
        if (buffer != null && buffer.capacity() >= floats) {
            return buffer;
        }
        pool.give(buffer);
        return pool.take(floats);
    }

    private FloatBuffer replicate(int i, int batch) {
        int one = heads * length * headDim;
        for (int b = 0; b < batch; b++) {
            batchPast[i].put(b * one, cache[i], 0, one);
        }
        return batchPast[i];
    }

    private OnnxTensor view(FloatBuffer slice, List<OnnxTensor> views, long... shape) {
        OnnxTensor tensor = scope.floats(slice, shape);
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

    /** Gives every buffer back to the pool; the cache is unusable afterwards. */
    @Override
    public void close() {
        for (FloatBuffer[] buffers : List.of(cache, scratch, batchPast == null ? new FloatBuffer[0] : batchPast)) {
            for (int i = 0; i < buffers.length; i++) {
                pool.give(buffers[i]);
                buffers[i] = null;
            }
        }
        for (FloatBuffer staged : new FloatBuffer[] {embedsStage, maskStage, logitsStage, hiddenStage, draftStage}) {
            pool.give(staged);
        }
        embedsStage = maskStage = logitsStage = hiddenStage = draftStage = null;
    }

    /**
     * Outputs of one pass.
     *
     * @param logits [S * vocab]
     * @param hidden [S * hidden] last hidden states (after the final norm, what the draft heads read)
     * @param draft  [S * heads * vocab] the fused draft heads' logits of every position, null without them
     */
    record Forward(float[] logits, float[] hidden, float[] draft) {
    }
}
