package io.neuropipe.decoder.spec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;

/**
 * One sequence's KV cache for speculative decoding. The cache is a {@link TreeWorkspace}'s fixed set of past slots
 * (pooled across requests, its tensors created once): the first {@link #length()} slots hold the accepted entries, the
 * rest are hidden by the tree mask. A verification pass feeds the whole past, ONNX Runtime writes {@code present.*}
 * into the workspace's scratch as pinned outputs, and {@link #keep(int[])} appends only the accepted nodes' new rows
 * to the slots — a few rows per layer and head, never the past, and nothing through Java arrays.
 * The prompt prefill (a causal pass with an empty past, through the tree graph itself or the plain decoder) and
 * {@link #verifyPaths} (the plain decoder, for a decoder without the tree mask) take a compact past, so those passes copy
 * it into pooled staging buffers ({@link DirectBufferPool}) and get ad hoc tensors.
 */
final class TreeKvCache implements AutoCloseable {

    /** Output role of a tree graph with the Medusa heads fused in: [B, S, heads, vocab]. */
    static final String DRAFT_ROLE = "medusa_logits";
    /** Generated positions a workspace is sized for beyond the prompt, and added when it has to grow. */
    static final int HEADROOM = 32;
    private static final List<String> STAGED = List.of("inputs_embeds", "position_ids", "attention_mask");

    private final OnnxModel prefillLm;
    private final OnnxModel treeLm;
    private final int draftWidth;
    private final InferenceScope scope;
    private final DirectBufferPool pool;
    private final TreeWorkspaces workspaces;
    private final int maxPositions;
    private final int maxNodes;
    private TreeWorkspace workspace;
    private final DecoderShape shape;
    private int slots;
    private final String[] pastRoles;
    private final String[] presentRoles;
    private final FloatBuffer[] compactPast;
    private final FloatBuffer[] present;
    private final FloatBuffer[] scratch;
    private FloatBuffer embedsStage;
    private FloatBuffer logitsStage;
    private FloatBuffer hiddenStage;
    private FloatBuffer draftStage;
    private LongBuffer positionsStage;
    private int length;
    private int pendingNodes;
    private boolean treePending;
    private PathBatch pendingPaths;

    /**
     * @param prefillLm  the graph the prompt is prefilled through: {@code treeLm} itself (causal additive mask), so a
     *                   request runs one graph and its weights stay warm in the CPU caches (with a fused tree graph the
     *                   prefill also yields the first draft), or the plain decoder (int64 padding mask), which also
     *                   verifies {@link #verifyPaths path batches}
     * @param treeLm     the same decoder taking an additive [B, 1, S, P + S] mask
     * @param pool       where the plain graph's staging buffers come from and go back to on {@link #close()}
     * @param workspaces where the cache slots and tree tensors come from and go back to on {@link #close()}
     * @param prompt     prompt (and prefix) positions
     * @param maxNew     most generated tokens: the slots start at the prompt plus {@value #HEADROOM} of them and grow
     *                   (into a larger pooled workspace) only when a long generation needs more, so a request
     *                   allowing many tokens does not attend over hundreds of empty slots
     * @param maxNodes   largest tree verified
     * @param draftWidth floats per position of the tree graph's {@value #DRAFT_ROLE} output (heads * vocab), 0 for a
     *                   tree graph without draft heads
     */
    TreeKvCache(OnnxModel prefillLm, OnnxModel treeLm, InferenceScope scope, DirectBufferPool pool, TreeWorkspaces workspaces,
                int prompt, int maxNew, int maxNodes, int draftWidth) {
        this.prefillLm = prefillLm;
        this.treeLm = treeLm;
        this.draftWidth = draftWidth;
        this.scope = scope;
        this.pool = pool;
        this.workspaces = workspaces;
        ModelCard card = treeLm.card();
        this.shape = DecoderShape.of(card);
        this.pastRoles = new String[2 * shape.layers()];
        this.presentRoles = new String[2 * shape.layers()];
        for (int i = 0; i < 2 * shape.layers(); i++) {
            pastRoles[i] = shape.pastRole(i);
            presentRoles[i] = shape.presentRole(i);
        }
        this.compactPast = new FloatBuffer[2 * shape.layers()];
        this.present = new FloatBuffer[2 * shape.layers()];
        this.maxPositions = prompt + maxNew + 1;
        this.maxNodes = maxNodes;
        this.scratch = new FloatBuffer[2 * shape.layers()];
        use(workspaces.take(treeLm, Math.min(maxPositions, prompt + HEADROOM + 1), maxNodes, draftWidth));
    }

    private void use(TreeWorkspace next) {
        workspace = next;
        slots = next.slots();
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = next.scratch(i);
        }
    }

    /** Moves the cache into a workspace with at least {@code needed} slots (and some headroom) when it has fewer. */
    private void ensureSlots(int needed) {
        if (needed <= slots) {
            return;
        }
        if (needed > maxPositions) {
            throw new IllegalStateException("KV cache of " + maxPositions + " positions exceeded by " + needed);
        }
        TreeWorkspace larger = workspaces.take(treeLm, Math.min(maxPositions, needed + HEADROOM), maxNodes, draftWidth);
        int headDim = shape.headDim();
        for (int i = 0; i < 2 * shape.layers(); i++) {
            for (int h = 0; h < shape.heads(); h++) {
                larger.cache(i).put(h * larger.slots() * headDim, workspace.cache(i), h * slots * headDim, length * headDim);
            }
        }
        workspaces.give(workspace);
        use(larger);
    }

    /** Cached positions. */
    int length() {
        return length;
    }

    /**
     * Runs the prompt (and prefix) through the prefill graph and caches all of it.
     *
     * @return logits [vocab], hidden state [hidden] and (fused tree graph) draft logits [heads * vocab] of the last position
     */
    Forward prefill(float[] embeds, long[] positions, int count) {
        if (length > 0) {
            throw new IllegalStateException("The prompt is already cached");
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        boolean additive = prefillLm.card().input("attention_mask").map(spec -> spec.dtype() == DataType.FP32).orElse(false);
        if (additive) {
            inputs.put("attention_mask", scope.floats(TreeMask.causal(count, 0), 1, 1, count, count));
        } else {
            long[] mask = new long[count];
            Arrays.fill(mask, 1L);
            inputs.put("attention_mask", scope.longs(mask, 1, count));
        }
        int draft = prefillLm == treeLm ? draftWidth : 0;
        Forward all = runPlain(prefillLm, embeds, positions, 1, count, inputs, draft);
        keep(consecutive(count));
        int vocab = shape.vocab();
        int hidden = shape.hidden();
        return new Forward(Arrays.copyOfRange(all.logits(), (count - 1) * vocab, count * vocab),
            Arrays.copyOfRange(all.hidden(), (count - 1) * hidden, count * hidden),
            draft > 0 ? Arrays.copyOfRange(all.draft(), (count - 1) * draft, count * draft) : null);
    }

    private static int[] consecutive(int count) {
        int[] nodes = new int[count];
        for (int i = 0; i < count; i++) {
            nodes[i] = i;
        }
        return nodes;
    }

    /**
     * Runs all tree nodes in one pass with tree attention; their entries wait in scratch until {@link #keep(int[])}.
     *
     * @param embeds    [N * hidden] input embeddings of the nodes
     * @param positions [N] position ids (the root's position + depth)
     * @return logits [N * vocab] and hidden states [N * hidden]
     */
    Forward verify(DraftTree tree, float[] embeds, long[] positions) {
        ensureSlots(Math.min(length + tree.size(), maxPositions));
        TreeWorkspace.Pass pass = workspace.stage(tree, embeds, positions, length);
        scope.release(scope.run(treeLm, pass.inputs(), Set.of(), pass.outputs()));
        pendingNodes = tree.size();
        treePending = true;
        pendingPaths = null;
        return workspace.read(tree.size());
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
        float[] embeds = new float[b * l * shape.hidden()];
        long[] positions = new long[b * l];
        for (int i = 0; i < b * l; i++) {
            embeddings.embed(batch.tokens()[i], embeds, i * shape.hidden());
            positions[i] = rootPosition + i % l;
        }
        long[] mask = new long[b * (length + l)];
        Arrays.fill(mask, 1L);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("attention_mask", scope.longs(mask, b, length + l));
        Forward rows = runPlain(prefillLm, embeds, positions, b, l, inputs, 0);
        int n = tree.size();
        float[] logits = new float[n * shape.vocab()];
        float[] states = new float[n * shape.hidden()];
        for (int node = 0; node < n; node++) {
            int row = batch.rowOf()[node] * l + batch.colOf()[node];
            System.arraycopy(rows.logits(), row * shape.vocab(), logits, node * shape.vocab(), shape.vocab());
            System.arraycopy(rows.hidden(), row * shape.hidden(), states, node * shape.hidden(), shape.hidden());
        }
        pendingPaths = batch;
        return new Forward(logits, states, null);
    }

    /** Token embedding lookup (the decoder's input embedding table). */
    interface EmbeddingTable {
        void embed(long token, float[] out, int offset);
    }

    /** A pass of the plain graph over {@code batch} copies of the past; present.* lands in {@link #present}. */
    private Forward runPlain(OnnxModel model, float[] embeds, long[] positions, int batch, int count, Map<String, OnnxTensor> inputs,
                             int draft) {
        int rows = batch * count;
        embedsStage = atLeast(embedsStage, rows * shape.hidden());
        embedsStage.put(0, embeds, 0, rows * shape.hidden());
        if (positionsStage == null || positionsStage.capacity() < rows) {
            positionsStage = ByteBuffer.allocateDirect(Math.max(rows, 64) * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        }
        positionsStage.put(0, positions, 0, rows);
        logitsStage = atLeast(logitsStage, rows * shape.vocab());
        hiddenStage = atLeast(hiddenStage, rows * shape.hidden());
        List<OnnxTensor> views = new java.util.ArrayList<>(4 * shape.layers() + 2);
        inputs.put("inputs_embeds", scope.floats(slice(embedsStage, rows * shape.hidden()), batch, count, shape.hidden()));
        inputs.put("position_ids", scope.longs(positionsStage.duplicate().position(0).limit(rows).slice(), batch, count));
        Map<String, OnnxTensor> pinned = new HashMap<>();
        pinned.put("logits", view(slice(logitsStage, rows * shape.vocab()), views, batch, count, shape.vocab()));
        pinned.put("last_hidden_state", view(slice(hiddenStage, rows * shape.hidden()), views, batch, count, shape.hidden()));
        if (draft > 0) {
            draftStage = atLeast(draftStage, rows * draft);
            pinned.put(DRAFT_ROLE, view(slice(draftStage, rows * draft), views, batch, count, draft / shape.vocab(), shape.vocab()));
        }
        int heads = shape.heads();
        int headDim = shape.headDim();
        int one = heads * length * headDim;
        int presentFloats = batch * heads * (length + count) * headDim;
        for (int i = 0; i < 2 * shape.layers(); i++) {
            compactPast[i] = atLeast(compactPast[i], Math.max(1, batch * one));
            present[i] = atLeast(present[i], presentFloats);
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < heads; h++) {
                    compactPast[i].put(b * one + h * length * headDim, workspace.cache(i), h * slots * headDim, length * headDim);
                }
            }
            inputs.put(pastRoles[i], view(slice(compactPast[i], batch * one), views, batch, heads, length, headDim));
            pinned.put(presentRoles[i], view(slice(present[i], presentFloats), views, batch, heads, length + count, headDim));
        }
        Outputs out = scope.run(model, inputs, Set.of(), pinned);
        try {
            pendingNodes = count;
            treePending = false;
            float[] logits = new float[rows * shape.vocab()];
            float[] states = new float[rows * shape.hidden()];
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

    /** Pooled buffers differ in size, so each one is checked. */
    private FloatBuffer atLeast(FloatBuffer buffer, int floats) {
        if (buffer != null && buffer.capacity() >= floats) {
            return buffer;
        }
        pool.give(buffer);
        return pool.take(floats);
    }

    private OnnxTensor view(FloatBuffer slice, List<OnnxTensor> views, long... shape) {
        OnnxTensor tensor = scope.floats(slice, shape);
        views.add(tensor);
        return tensor;
    }

    /** Appends the given nodes' entries (the accepted path, root first) to the cache; the rest are dropped. */
    void keep(int[] nodes) {
        if (pendingPaths != null) {
            int last = nodes[nodes.length - 1];
            append(present, pendingPaths.rowOf()[last], length + pendingNodes, length, consecutive(pendingPaths.colOf()[last] + 1));
            pendingPaths = null;
        } else if (treePending) {
            append(scratch, 0, slots + pendingNodes, slots, nodes);
        } else {
            append(present, 0, pendingNodes, 0, nodes);
        }
        pendingNodes = 0;
    }

    /**
     * Copies {@code rows} (relative to {@code firstRow}) of batch row {@code b} of a present output laid out
     * [B, H, rowsPerHead, D] into the next free slots.
     */
    private void append(FloatBuffer[] from, int b, int rowsPerHead, int firstRow, int[] rows) {
        ensureSlots(length + rows.length);
        boolean contiguous = rows[rows.length - 1] - rows[0] == rows.length - 1;
        for (int i = 0; i < 2 * shape.layers(); i++) {
            FloatBuffer to = workspace.cache(i);
            for (int h = 0; h < shape.heads(); h++) {
                int src = ((b * shape.heads() + h) * rowsPerHead + firstRow) * shape.headDim();
                int dst = (h * slots + length) * shape.headDim();
                if (contiguous) {
                    to.put(dst, from[i], src + rows[0] * shape.headDim(), rows.length * shape.headDim());
                    continue;
                }
                for (int j = 0; j < rows.length; j++) {
                    to.put(dst + j * shape.headDim(), from[i], src + rows[j] * shape.headDim(), shape.headDim());
                }
            }
        }
        length += rows.length;
    }

    /** Gives every buffer back to its pool; the cache is unusable afterwards. */
    @Override
    public void close() {
        for (FloatBuffer[] buffers : List.of(compactPast, present)) {
            for (int i = 0; i < buffers.length; i++) {
                pool.give(buffers[i]);
                buffers[i] = null;
            }
        }
        for (FloatBuffer staged : new FloatBuffer[] {embedsStage, logitsStage, hiddenStage, draftStage}) {
            pool.give(staged);
        }
        embedsStage = logitsStage = hiddenStage = draftStage = null;
        workspaces.give(workspace);
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
