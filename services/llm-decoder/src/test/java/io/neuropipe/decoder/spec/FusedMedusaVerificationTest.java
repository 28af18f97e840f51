package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code lm-tree-medusa}: one verification pass gives what {@code lm-tree} gives plus, for every node, what a separate
 * {@code medusa-heads} run on that node's hidden state gives (the draft the next step starts from).
 */
class FusedMedusaVerificationTest {

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

    private static TreeKvCache.Forward verify(OnnxModel treeLm, DraftTree tree, int draftWidth) {
        int hidden = engine.hidden();
        long[] prompt = engine.tokenizer().encode("<s> caption:", false, false).getIds();
        float[] embeds = new float[prompt.length * hidden];
        long[] positions = new long[prompt.length];
        for (int i = 0; i < prompt.length; i++) {
            engine.embed(prompt[i], embeds, i * hidden);
            positions[i] = i;
        }
        float[] nodes = new float[tree.size() * hidden];
        long[] nodePositions = new long[tree.size()];
        for (int i = 0; i < tree.size(); i++) {
            engine.embed(tree.tokens()[i], nodes, i * hidden);
            nodePositions[i] = prompt.length + tree.depths()[i];
        }
        try (InferenceScope scope = engine.lm().scope();
             TreeKvCache cache = new TreeKvCache(engine.lm(), treeLm, scope, new DirectBufferPool(0),
                 new TreeWorkspaces(0), prompt.length, tree.size(), draftWidth)) {
            cache.prefill(embeds, positions, prompt.length);
            return cache.verify(tree, nodes, nodePositions);
        }
    }
}
