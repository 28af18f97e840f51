package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import io.neuropipe.decoder.engine.KvCacheRunner;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Verification passes against what they must equal: {@code lm-tree-medusa} gives what {@code lm-tree} gives plus, for
 * every node, what a separate {@code medusa-heads} run on that node's hidden state gives (the draft the next step starts
 * from); a generation longer than the slots a workspace starts with grows them and keeps plain decoding's logits.
 */
class TreeKvCacheTest {

    private static ModelRepository models;
    private static LanguageModelEngine engine;

    @BeforeAll
    static void load() {
        models = ZooRequests.repository();
        engine = new LanguageModelEngine(models, ZooRequests.decoderProperties());
    }

    @AfterAll
    static void close() {
        engine.close();
        models.close();
    }

    @Test
    void theFusedPassEqualsTheTreePassPlusAHeadsRunPerNode() {
        DraftTree tree = new DraftTree(new int[] {7, 12, 30, 44, 9}, new int[] {-1, 0, 0, 1, 3}, new int[] {0, 1, 1, 2, 3});
        TreeKvCache.Forward plain = verify(models.model("lm-tree"), tree, 0);
        int heads = 3;
        int vocab = engine.vocab();
        TreeKvCache.Forward fused = verify(models.model("lm-tree-medusa"), tree, heads * vocab);
        assertThat(plain.draft()).isNull();
        assertThat(fused.logits()).containsExactly(plain.logits(), within(1e-5f));
        assertThat(fused.hidden()).containsExactly(plain.hidden(), within(1e-5f));
        OnnxModel medusa = models.model("medusa-heads");
        try (InferenceScope scope = medusa.scope()) {
            float[] separate = scope.run(medusa, Map.of("hidden_states", scope.floats(plain.hidden(), tree.size(), engine.hidden())))
                .floats("medusa_logits");
            assertThat(fused.draft()).hasSize(tree.size() * heads * vocab).containsExactly(separate, within(1e-4f));
        }
    }

    @Test
    void aLongGenerationGrowsTheSlotsAndKeepsEveryEntry() {
        OnnxModel treeLm = models.model("lm-tree");
        int hidden = engine.hidden();
        Prompt prompt = Prompt.caption();
        int n = prompt.positions().length;
        int steps = 3 * TreeKvCache.HEADROOM;
        TreeWorkspaces workspaces = new TreeWorkspaces(4);
        try (InferenceScope scope = engine.lm().scope();
             TreeKvCache cache = new TreeKvCache(treeLm, treeLm, scope, new DirectBufferPool(8), workspaces, n, steps, 1, 0)) {
            KvCacheRunner plain = new KvCacheRunner(engine.lm(), scope);
            float[] want = plain.forward(prompt.embeds(), prompt.positions(), n, hidden);
            assertThat(cache.prefill(prompt.embeds(), prompt.positions(), n).logits()).containsExactly(want, within(1e-3f));
            float[] step = new float[hidden];
            for (int i = 0; i < steps; i++) {
                int token = 5 + i % 40;
                engine.embed(token, step, 0);
                want = plain.forward(step, new long[] {n + i}, 1, hidden);
                TreeKvCache.Forward got = cache.verify(DraftTree.root(token), step, new long[] {n + i});
                assertThat(got.logits()).as("step " + i).containsExactly(want, within(1e-3f));
                cache.keep(new int[] {0});
            }
            assertThat(cache.length()).isEqualTo(n + steps);
        }
        assertThat(workspaces.idle()).as("the outgrown workspaces went back to the pool").isGreaterThanOrEqualTo(2);
        workspaces.close();
    }

    /** The caption prompt's input embeddings [n * hidden] and positions [n]. */
    private record Prompt(float[] embeds, long[] positions) {

        static Prompt caption() {
            int hidden = engine.hidden();
            long[] ids = engine.tokenizer().encode("<s> caption:", false, false).getIds();
            float[] embeds = new float[ids.length * hidden];
            long[] positions = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                engine.embed(ids[i], embeds, i * hidden);
                positions[i] = i;
            }
            return new Prompt(embeds, positions);
        }
    }

    private static TreeKvCache.Forward verify(OnnxModel treeLm, DraftTree tree, int draftWidth) {
        int hidden = engine.hidden();
        Prompt prompt = Prompt.caption();
        int n = prompt.positions().length;
        float[] nodes = new float[tree.size() * hidden];
        long[] nodePositions = new long[tree.size()];
        for (int i = 0; i < tree.size(); i++) {
            engine.embed(tree.tokens()[i], nodes, i * hidden);
            nodePositions[i] = n + tree.depths()[i];
        }
        try (InferenceScope scope = engine.lm().scope();
             TreeKvCache cache = new TreeKvCache(engine.lm(), treeLm, scope, new DirectBufferPool(0),
                 new TreeWorkspaces(0), n, 0, tree.size(), draftWidth)) {
            cache.prefill(prompt.embeds(), prompt.positions(), n);
            return cache.verify(tree, nodes, nodePositions);
        }
    }
}
