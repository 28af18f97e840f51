package io.neuropipe.decoder.sched;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
 * Runs the decoder graph for the engine (vLLM's model runner role): prefills (one call for several new sequences, or one
 * sequence on top of a restored cache), and one call per decode step for every running sequence together.
 *
 * <p>The batch's KV cache lives in two sets of direct buffers, [batch, heads, width, headDim] per layer, each sequence's
 * positions right-aligned (left padding, masked by {@code attention_mask}). A step reads the past from one set and ORT
 * writes the {@code present.*} outputs straight into the other (pinned outputs), which the next step reads: steady
 * decoding copies nothing in Java. Only when the batch's membership changes (a sequence joins or leaves) are the rows
 * copied, buffer to buffer, into the other set, tightly padded. RoPE comes from {@code position_ids}, so padding does not
 * shift positions.
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
    private final Map<Long, Prefilled> prefilled = new HashMap<>();
    /** How many prefilled sequences still read each prefill call's outputs; released at zero. */
    private final Map<Outputs, Integer> readers = new IdentityHashMap<>();

    private long[] ids = new long[0];
    private int[] lengths = new int[0];
    private int width;
    /** Two sets of buffers, [2 * layer] keys and [2 * layer + 1] values: one holds the past, ORT writes into the other. */
    private final FloatBuffer[][] buffers;
    private int current;
    private FloatBuffer logits;

    BatchedKvRunner(OnnxModel lm, int hidden) {
        this.lm = lm;
        this.scope = lm.scope();
        ModelCard card = lm.card();
        this.layers = (int) card.preprocessingNumber("num_layers", 0);
        this.heads = (int) card.preprocessingNumber("num_heads", 0);
        this.headDim = (int) card.preprocessingNumber("head_dim", 0);
        this.vocab = (int) card.preprocessingNumber("vocab_size", 0);
        this.hidden = hidden;
        this.buffers = new FloatBuffer[2][2 * layers];
        outputRoles.add("logits");
        for (int i = 0; i < layers; i++) {
            outputRoles.add(presentRole(i, "key"));
            outputRoles.add(presentRole(i, "value"));
        }
    }

    /**
     * A prefilled sequence's cache: row {@code row} of a prefill call's {@code present.*} outputs
     * [rows, heads, width, headDim], its {@code length} valid positions right-aligned.
     */
    private record Prefilled(Outputs out, int row, int width, int length) {
    }

    /** One sequence's prefill rows: {@code count} embeddings [count * hidden] at their positions. */
    record PrefillRows(long id, float[] embeds, long[] positions, int count) {
    }

    /**
     * Runs one sequence's prompt rows on top of {@code past} (null for an empty cache) and keeps its cache until the
     * sequence joins a decode batch or is released. Returns the logits of the last row.
     */
    float[] prefill(long id, float[] embeds, long[] positions, int count, KvSnapshot past) {
        if (past == null) {
            return prefill(List.of(new PrefillRows(id, embeds, positions, count)))[0];
        }
        int pastLength = past.tokens();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        List<OnnxTensor> created = new ArrayList<>();
        inputs.put("inputs_embeds", track(created, scope.floats(embeds, 1, count, hidden)));
        inputs.put("position_ids", track(created, scope.longs(positions, 1, count)));
        long[] mask = new long[pastLength + count];
        Arrays.fill(mask, 1L);
        inputs.put("attention_mask", track(created, scope.longs(mask, 1, mask.length)));
        for (int i = 0; i < layers; i++) {
            inputs.put(pastRole(i, "key"), track(created, scope.floats(past.keys()[i], 1, heads, pastLength, headDim)));
            inputs.put(pastRole(i, "value"), track(created, scope.floats(past.values()[i], 1, heads, pastLength, headDim)));
        }
        Outputs out = run(inputs, created);
        keep(out, List.of(id), new int[] {pastLength + count}, pastLength + count);
        float[] last = new float[vocab];
        out.floatBuffer("logits").get((count - 1) * vocab, last);
        return last;
    }

    /**
     * Prefills several sequences with an empty cache in one call: their rows right-aligned in [B, width] (left padding,
     * masked out; padding rows get position 0 and a zero embedding), so each sequence's last row is the call's last and
     * its cache lies in its row of the outputs as a decode step would have left it. Returns each sequence's logits of its
     * last row, in order.
     */
    float[][] prefill(List<PrefillRows> rows) {
        int b = rows.size();
        int width = rows.stream().mapToInt(PrefillRows::count).max().orElseThrow();
        float[] embeds = new float[b * width * hidden];
        long[] positions = new long[b * width];
        long[] mask = new long[b * width];
        int[] lengths = new int[b];
        List<Long> ids = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            PrefillRows row = rows.get(r);
            int pad = width - row.count();
            System.arraycopy(row.embeds(), 0, embeds, (r * width + pad) * hidden, row.count() * hidden);
            System.arraycopy(row.positions(), 0, positions, r * width + pad, row.count());
            Arrays.fill(mask, r * width + pad, (r + 1) * width, 1L);
            lengths[r] = row.count();
            ids.add(row.id());
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        List<OnnxTensor> created = new ArrayList<>();
        inputs.put("inputs_embeds", track(created, scope.floats(embeds, b, width, hidden)));
        inputs.put("position_ids", track(created, scope.longs(positions, b, width)));
        inputs.put("attention_mask", track(created, scope.longs(mask, b, width)));
        for (int i = 0; i < layers; i++) {
            inputs.put(pastRole(i, "key"), track(created, scope.floats(new float[0], b, heads, 0, headDim)));
            inputs.put(pastRole(i, "value"), track(created, scope.floats(new float[0], b, heads, 0, headDim)));
        }
        Outputs out = run(inputs, created);
        keep(out, ids, lengths, width);
        FloatBuffer logits = out.floatBuffer("logits");
        float[][] last = new float[b][vocab];
        for (int r = 0; r < b; r++) {
            logits.get(((r + 1) * width - 1) * vocab, last[r]);
        }
        return last;
    }

    private Outputs run(Map<String, OnnxTensor> inputs, List<OnnxTensor> created) {
        try {
            return scope.run(lm, inputs, outputRoles);
        } finally {
            created.forEach(scope::release);
        }
    }

    private void keep(Outputs out, List<Long> ids, int[] lengths, int width) {
        for (int r = 0; r < ids.size(); r++) {
            prefilled.put(ids.get(r), new Prefilled(out, r, width, lengths[r]));
        }
        readers.put(out, ids.size());
    }

    /** A copy of a prefilled (not yet batched) sequence's cache. */
    KvSnapshot snapshot(long id) {
        Prefilled p = prefilled.get(id);
        float[][] k = new float[layers][];
        float[][] v = new float[layers][];
        for (int i = 0; i < layers; i++) {
            k[i] = rows(p, presentRole(i, "key"));
            v[i] = rows(p, presentRole(i, "value"));
        }
        return new KvSnapshot(layers, heads, p.length(), headDim, k, v);
    }

    /** A copy of a sequence's cache, prefilled or in the last decode step's batch (before the next step regroups). */
    KvSnapshot snapshotAny(long id) {
        if (prefilled.containsKey(id)) {
            return snapshot(id);
        }
        int row = -1;
        for (int r = 0; r < ids.length && row < 0; r++) {
            row = ids[r] == id ? r : -1;
        }
        if (row < 0) {
            throw new IllegalStateException("Sequence " + id + " has no cache here");
        }
        float[][] k = new float[layers][];
        float[][] v = new float[layers][];
        for (int i = 0; i < layers; i++) {
            k[i] = rows(buffers[current][2 * i], row, width, lengths[row]);
            v[i] = rows(buffers[current][2 * i + 1], row, width, lengths[row]);
        }
        return new KvSnapshot(layers, heads, lengths[row], headDim, k, v);
    }

    /** The valid positions of a prefilled sequence's row of one present output, as [heads, length, headDim]. */
    private float[] rows(Prefilled p, String role) {
        return rows(p.out().floatBuffer(role), p.row(), p.width(), p.length());
    }

    /** Row {@code row}'s last {@code length} positions of a [rows, heads, width, headDim] buffer, as [heads, length, headDim]. */
    private float[] rows(FloatBuffer src, int row, int width, int length) {
        float[] out = new float[heads * length * headDim];
        for (int h = 0; h < heads; h++) {
            src.get(((row * heads + h) * width + width - length) * headDim, out, h * length * headDim, length * headDim);
        }
        return out;
    }

    /** Drops a prefilled sequence that will not decode (it finished on its first token). */
    void release(long id) {
        Prefilled p = prefilled.remove(id);
        if (p != null && readers.merge(p.out(), -1, Integer::sum) == 0) {
            readers.remove(p.out());
            scope.release(p.out());
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
        int next = 1 - current;
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxTensor> outputs = new HashMap<>();
        List<OnnxTensor> created = new ArrayList<>();
        inputs.put("inputs_embeds", track(created, scope.floats(tokenEmbeds, b, 1, hidden)));
        inputs.put("position_ids", track(created, scope.longs(positions, b, 1)));
        long[] mask = new long[b * (width + 1)];
        for (int r = 0; r < b; r++) {
            Arrays.fill(mask, r * (width + 1) + width - lengths[r], (r + 1) * (width + 1), 1L);
        }
        inputs.put("attention_mask", track(created, scope.longs(mask, b, width + 1)));
        int pastSize = b * heads * width * headDim;
        int presentSize = b * heads * (width + 1) * headDim;
        for (int i = 0; i < 2 * layers; i++) {
            String kind = i % 2 == 0 ? "key" : "value";
            inputs.put(pastRole(i / 2, kind), track(created, scope.floats(buffers[current][i].slice(0, pastSize), b, heads, width,
                headDim)));
            ensure(next, i, presentSize);
            outputs.put(presentRole(i / 2, kind), track(created, scope.floats(buffers[next][i].slice(0, presentSize), b, heads,
                width + 1, headDim)));
        }
        if (logits == null || logits.capacity() < b * vocab) {
            logits = direct(Math.max(b * vocab, 8 * vocab));
        }
        outputs.put("logits", track(created, scope.floats(logits.slice(0, b * vocab), b, 1, vocab)));
        try {
            scope.release(scope.run(lm, inputs, Set.of(), outputs));
        } finally {
            created.forEach(scope::release);
        }
        current = next;
        width++;
        for (int r = 0; r < b; r++) {
            lengths[r]++;
        }
        float[][] rows = new float[b][vocab];
        for (int r = 0; r < b; r++) {
            logits.get(r * vocab, rows[r]);
        }
        return rows;
    }

    /** Copies each member's valid rows, right-aligned, into the other buffer set, which then holds the batch. */
    private void regroup(long[] batchIds) {
        int b = batchIds.length;
        int[] newLengths = new int[b];
        Map<Long, Integer> oldRow = new HashMap<>();
        for (int r = 0; r < ids.length; r++) {
            oldRow.put(ids[r], r);
        }
        for (int r = 0; r < b; r++) {
            Integer row = oldRow.get(batchIds[r]);
            Prefilled p = prefilled.get(batchIds[r]);
            if (row == null && p == null) {
                throw new IllegalStateException("Sequence " + batchIds[r] + " was neither prefilled nor in the batch");
            }
            newLengths[r] = row != null ? lengths[row] : p.length();
        }
        int newWidth = Arrays.stream(newLengths).max().orElse(0);
        int next = 1 - current;
        for (int i = 0; i < 2 * layers; i++) {
            String role = presentRole(i / 2, i % 2 == 0 ? "key" : "value");
            ensure(next, i, b * heads * newWidth * headDim);
            FloatBuffer dst = buffers[next][i];
            Map<Outputs, FloatBuffer> copied = new IdentityHashMap<>();
            for (int r = 0; r < b; r++) {
                Integer row = oldRow.get(batchIds[r]);
                Prefilled p = row != null ? null : prefilled.get(batchIds[r]);
                FloatBuffer src = p == null ? buffers[current][i] : copied.computeIfAbsent(p.out(), o -> o.floatBuffer(role));
                int srcRow = p == null ? row : p.row();
                int srcWidth = p == null ? width : p.width();
                for (int h = 0; h < heads; h++) {
                    int from = ((srcRow * heads + h) * srcWidth + srcWidth - newLengths[r]) * headDim;
                    int to = ((r * heads + h) * newWidth + newWidth - newLengths[r]) * headDim;
                    dst.put(to, src, from, newLengths[r] * headDim);
                }
            }
        }
        for (long id : batchIds) {
            if (!oldRow.containsKey(id)) {
                release(id);
            }
        }
        current = next;
        ids = batchIds.clone();
        lengths = newLengths;
        width = newWidth;
    }

    /** Makes buffer {@code i} of set {@code set} hold at least {@code size} floats (the other set is never touched). */
    private void ensure(int set, int i, int size) {
        if (buffers[set][i] == null || buffers[set][i].capacity() < size) {
            buffers[set][i] = direct(Math.max(size, buffers[set][i] == null ? size : 2 * buffers[set][i].capacity()));
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Forgets the batch and every prefilled cache (after a failed step). */
    void reset() {
        new ArrayList<>(prefilled.keySet()).forEach(this::release);
        ids = new long[0];
        lengths = new int[0];
        width = 0;
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
