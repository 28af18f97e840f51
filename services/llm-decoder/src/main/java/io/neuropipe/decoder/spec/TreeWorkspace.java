package io.neuropipe.decoder.spec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.OnnxModel;

/**
 * The native memory and ONNX Runtime tensors of tree verification for one sequence, reused across requests through
 * {@link TreeWorkspaces}. The past is a fixed number of slots ({@link #slots()}, [1, H, slots, D] per layer and kind),
 * always fed whole: slots not (yet) filled are hidden by the additive tree mask, so the past tensors never change
 * shape and every tensor is created once — per tree size for those whose shape depends on it — instead of per pass.
 * ONNX Runtime writes {@code present.*} ([1, H, slots + S, D]) into {@link #scratch(int)}; the new entries are its
 * last S rows per head. Not thread-safe: one request holds it at a time.
 */
final class TreeWorkspace implements AutoCloseable {

    private final InferenceScope tensors;
    private final DecoderShape shape;
    private final int slots;
    private final int maxNodes;
    private final int draftWidth;
    private final String[] pastRoles;
    private final String[] presentRoles;
    private final FloatBuffer[] cache;
    private final FloatBuffer[] scratch;
    private final OnnxTensor[] past;
    private final FloatBuffer embeds;
    private final LongBuffer positions;
    private final FloatBuffer mask;
    private final FloatBuffer logits;
    private final FloatBuffer states;
    private final FloatBuffer draft;
    private final float[] maskRows;
    private final Pass[] passes;

    /**
     * @param model      the tree decoder (its card gives layers, heads and sizes)
     * @param slots      cached positions the past holds
     * @param maxNodes   largest tree verified
     * @param draftWidth floats per node of a fused tree graph's {@value TreeKvCache#DRAFT_ROLE} output, 0 without one
     */
    TreeWorkspace(OnnxModel model, int slots, int maxNodes, int draftWidth) {
        ModelCard card = model.card();
        this.tensors = model.scope();
        this.shape = DecoderShape.of(card);
        this.slots = slots;
        this.maxNodes = maxNodes;
        this.draftWidth = draftWidth;
        this.pastRoles = new String[2 * shape.layers()];
        this.presentRoles = new String[2 * shape.layers()];
        this.cache = new FloatBuffer[2 * shape.layers()];
        this.scratch = new FloatBuffer[2 * shape.layers()];
        this.past = new OnnxTensor[2 * shape.layers()];
        for (int i = 0; i < 2 * shape.layers(); i++) {
            pastRoles[i] = shape.pastRole(i);
            presentRoles[i] = shape.presentRole(i);
            cache[i] = floats(shape.heads() * slots * shape.headDim());
            scratch[i] = floats(shape.heads() * (slots + maxNodes) * shape.headDim());
            past[i] = tensors.floats(cache[i], 1, shape.heads(), slots, shape.headDim());
        }
        this.embeds = floats(maxNodes * shape.hidden());
        this.positions = ByteBuffer.allocateDirect(maxNodes * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        this.mask = floats(maxNodes * (slots + maxNodes));
        this.logits = floats(maxNodes * shape.vocab());
        this.states = floats(maxNodes * shape.hidden());
        this.draft = draftWidth > 0 ? floats(maxNodes * draftWidth) : null;
        this.maskRows = new float[maxNodes * (slots + maxNodes)];
        this.passes = new Pass[maxNodes + 1];
    }

    private static FloatBuffer floats(int count) {
        return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    boolean fits(int slots, int maxNodes, int draftWidth) {
        return this.slots == slots && this.maxNodes >= maxNodes && this.draftWidth == draftWidth;
    }

    int slots() {
        return slots;
    }

    int maxNodes() {
        return maxNodes;
    }

    /** [1, H, slots, D] cache of layer i / 2, key (even i) or value (odd i). */
    FloatBuffer cache(int i) {
        return cache[i];
    }

    /** Where the last tree pass wrote {@code present} of layer i / 2: [1, H, slots + S, D]. */
    FloatBuffer scratch(int i) {
        return scratch[i];
    }

    /**
     * Stages a tree of S nodes (embeddings [S * hidden], positions [S]) whose nodes see the first {@code filled} slots,
     * and returns the tensors to run it with.
     */
    Pass stage(DraftTree tree, float[] nodeEmbeds, long[] nodePositions, int filled) {
        int s = tree.size();
        if (s > maxNodes) {
            throw new IllegalArgumentException("A tree of " + s + " nodes exceeds the workspace's " + maxNodes);
        }
        embeds.put(0, nodeEmbeds, 0, s * shape.hidden());
        positions.put(0, nodePositions, 0, s);
        TreeMask.tree(tree, filled, slots, maskRows);
        mask.put(0, maskRows, 0, s * (slots + s));
        if (passes[s] == null) {
            passes[s] = new Pass(s);
        }
        return passes[s];
    }

    /** Copies the last pass's logits [S * vocab], hidden states [S * hidden] and draft logits (or null) out. */
    TreeKvCache.Forward read(int s) {
        float[] l = new float[s * shape.vocab()];
        float[] h = new float[s * shape.hidden()];
        logits.get(0, l);
        states.get(0, h);
        float[] d = null;
        if (draft != null) {
            d = new float[s * draftWidth];
            draft.get(0, d);
        }
        return new TreeKvCache.Forward(l, h, d);
    }

    @Override
    public void close() {
        tensors.close();
    }

    /** The inputs and pinned outputs of a pass over S nodes, keyed by role. */
    final class Pass {

        private final Map<String, OnnxTensor> inputs = new HashMap<>();
        private final Map<String, OnnxTensor> outputs = new HashMap<>();

        private Pass(int s) {
            inputs.put("inputs_embeds", tensors.floats(slice(embeds, s * shape.hidden()), 1, s, shape.hidden()));
            inputs.put("position_ids", tensors.longs(positions.duplicate().position(0).limit(s).slice(), 1, s));
            inputs.put("attention_mask", tensors.floats(slice(mask, s * (slots + s)), 1, 1, s, slots + s));
            outputs.put("logits", tensors.floats(slice(logits, s * shape.vocab()), 1, s, shape.vocab()));
            outputs.put("last_hidden_state", tensors.floats(slice(states, s * shape.hidden()), 1, s, shape.hidden()));
            if (draft != null) {
                int vocab = shape.vocab();
                outputs.put(TreeKvCache.DRAFT_ROLE, tensors.floats(slice(draft, s * draftWidth), 1, s, draftWidth / vocab, vocab));
            }
            int heads = shape.heads();
            int headDim = shape.headDim();
            for (int i = 0; i < 2 * shape.layers(); i++) {
                inputs.put(pastRoles[i], past[i]);
                FloatBuffer present = slice(scratch[i], heads * (slots + s) * headDim);
                outputs.put(presentRoles[i], tensors.floats(present, 1, heads, slots + s, headDim));
            }
        }

        Map<String, OnnxTensor> inputs() {
            return inputs;
        }

        Map<String, OnnxTensor> outputs() {
            return outputs;
        }
    }

    private static FloatBuffer slice(FloatBuffer buffer, int floats) {
        return buffer.duplicate().position(0).limit(floats).slice();
    }
}
