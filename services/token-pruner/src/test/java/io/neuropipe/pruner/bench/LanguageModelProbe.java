package io.neuropipe.pruner.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import io.neuropipe.pruner.domain.VisionTokens;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;
import io.neuropipe.runtime.model.TensorSpec;

/**
 * The zoo's {@code lm} driven the way the decoder drives it (models/CONTRACT.md): kept vision tokens through
 * {@code vision-projector}, position id = grid index; then {@code <s>} + prompt tokens at positions 256, 257, ...;
 * prefill with an empty KV cache, then greedy decoding one token at a time on the cache. Benchmark code only.
 */
final class LanguageModelProbe implements AutoCloseable {

    private final OnnxModel lm;
    private final OnnxModel projector;
    private final HuggingFaceTokenizer tokenizer;
    private final float[] embeddings;
    private final int hidden;
    private final int vocab;
    private final int layers;
    private final int heads;
    private final int headDim;
    private final long bos;
    private final long eos;
    private final Map<String, String> roleOf = new HashMap<>();

    LanguageModelProbe(ModelRepository models) {
        this.lm = models.model("lm");
        this.projector = models.model("vision-projector");
        ModelCard card = lm.card();
        this.hidden = (int) card.preprocessingNumber("hidden_size", 128);
        this.vocab = (int) card.preprocessingNumber("vocab_size", 0);
        this.layers = (int) card.preprocessingNumber("num_layers", 4);
        this.heads = (int) card.preprocessingNumber("num_heads", 4);
        this.headDim = (int) card.preprocessingNumber("head_dim", 32);
        this.bos = (long) card.preprocessingNumber("bos_id", 1);
        this.eos = (long) card.preprocessingNumber("eos_id", 2);
        for (TensorSpec t : card.inputs()) {
            roleOf.put(t.name(), t.role());
        }
        for (TensorSpec t : card.outputs()) {
            roleOf.put(t.name(), t.role());
        }
        Path file = lm.directory().resolve(String.valueOf(card.preprocessing().getOrDefault("tokenizer", "tokenizer.json")));
        try {
            this.tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OnnxModel embed = models.model("lm-embed");
        long[] ids = new long[vocab];
        Arrays.setAll(ids, i -> i);
        try (InferenceScope scope = embed.scope()) {
            this.embeddings = scope.run(embed, Map.of("input_ids", scope.longs(ids, 1, vocab))).floats("inputs_embeds");
        }
    }

    /** One prefill input: the whole sequence's embeddings and position ids. */
    record Sequence(float[] embeds, long[] positions, int length) {
    }

    /** Projects the kept tokens and appends {@code <s> prompt}; text positions start at grid * grid. */
    Sequence sequence(VisionTokens kept, String prompt) {
        float[] vision;
        try (InferenceScope scope = projector.scope()) {
            vision = scope.run(projector, Map.of("patch_tokens", scope.floats(kept.tokens(), 1, kept.count(), kept.dim())))
                .floats("inputs_embeds");
        }
        long[] text = tokenizer.encode(prompt).getIds();
        int length = kept.count() + 1 + text.length;
        float[] embeds = Arrays.copyOf(vision, length * hidden);
        long[] positions = new long[length];
        System.arraycopy(kept.positions(), 0, positions, 0, kept.count());
        long start = (long) kept.grid() * kept.grid();
        for (int t = 0; t <= text.length; t++) {
            long id = t == 0 ? bos : text[t - 1];
            System.arraycopy(embeddings, (int) id * hidden, embeds, (kept.count() + t) * hidden, hidden);
            positions[kept.count() + t] = start + t;
        }
        return new Sequence(embeds, positions, length);
    }

    /** Wall time of one prefill run of the lm graph, in nanoseconds. */
    long prefillNanos(Sequence s) {
        try (InferenceScope scope = lm.scope()) {
            Map<String, OnnxTensor> inputs = inputs(scope, s.embeds(), s.positions(), s.length(), 0, null);
            long start = System.nanoTime();
            scope.run(lm, inputs);
            return System.nanoTime() - start;
        }
    }

    /** Greedy continuation of the sequence, up to {@code maxNew} tokens or {@code </s>}, decoded and trimmed. */
    String greedy(Sequence s, int maxNew) {
        try (InferenceScope scope = lm.scope()) {
            Outputs out = scope.run(lm, inputs(scope, s.embeds(), s.positions(), s.length(), 0, null));
            int past = s.length();
            long position = s.positions()[s.length() - 1];
            long[] generated = new long[maxNew];
            int n = 0;
            while (true) {
                long next = argmaxLast(out.floatBuffer(role("logits")), (int) out.shape(role("logits"))[1]);
                if (next == eos || n == maxNew) {
                    break;
                }
                generated[n++] = next;
                float[] e = Arrays.copyOfRange(embeddings, (int) next * hidden, (int) (next + 1) * hidden);
                Outputs step = scope.run(lm, inputs(scope, e, new long[] {++position}, 1, past, out));
                scope.release(out);
                out = step;
                past++;
            }
            return tokenizer.decode(Arrays.copyOf(generated, n)).trim();
        }
    }

    private Map<String, OnnxTensor> inputs(InferenceScope scope, float[] embeds, long[] positions, int count, int past,
                                           Outputs previous) {
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put(role("inputs_embeds"), scope.floats(embeds, 1, count, hidden));
        in.put(role("position_ids"), scope.longs(positions, 1, count));
        long[] mask = new long[past + count];
        Arrays.fill(mask, 1L);
        in.put(role("attention_mask"), scope.longs(mask, 1, mask.length));
        for (int i = 0; i < layers; i++) {
            for (String kind : new String[] {"key", "value"}) {
                String name = "past_key_values." + i + "." + kind;
                in.put(role(name), previous == null ? scope.floats(new float[0], 1, heads, 0, headDim)
                    : previous.tensor(role("present." + i + "." + kind)));
            }
        }
        return in;
    }

    private String role(String graphName) {
        return roleOf.getOrDefault(graphName, graphName);
    }

    private long argmaxLast(FloatBuffer logits, int steps) {
        int base = (steps - 1) * vocab;
        int best = 0;
        for (int v = 1; v < vocab; v++) {
            if (logits.get(base + v) > logits.get(base + best)) {
                best = v;
            }
        }
        return best;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
