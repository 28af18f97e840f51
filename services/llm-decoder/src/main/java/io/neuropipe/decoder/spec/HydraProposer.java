package io.neuropipe.decoder.spec;

import java.util.HashMap;
import java.util.Map;

import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import org.springframework.stereotype.Component;

/**
 * Hydra: the tree is expanded level by level; a node's children are the top-k of the draft head given the base
 * hidden state and the embeddings of the tokens on the node's own path (root .. node), so children depend on their
 * parent. One batched head run per level.
 */
@Component
public class HydraProposer implements Proposer {

    private final OnnxModel head;
    private final LanguageModelEngine engine;
    private final int maxDepth;

    public HydraProposer(ModelRepository models, LanguageModelEngine engine, SpeculationProperties props) {
        this.head = models.model(props.hydraModel());
        this.engine = engine;
        this.maxDepth = (int) head.card().preprocessingNumber("max_depth", 0);
    }

    @Override
    public String name() {
        return "hydra";
    }

    @Override
    public int maxNodes(SpeculationOptions options) {
        return options.tree().nodes();
    }

    @Override
    public void check(SpeculationOptions options) {
        if (options.tree().depth() > maxDepth) {
            throw new IllegalArgumentException("The Hydra tree is " + options.tree().depth() + " deep; " + head.card().id()
                + " drafts at most " + maxDepth);
        }
    }

    @Override
    public DraftTree propose(ProposalContext context) {
        TreeShape shape = context.options().tree();
        check(context.options());
        int[] parents = shape.parents();
        int[] depths = shape.depths();
        int[] choices = shape.choices();
        int n = shape.nodes();
        int[] tokens = new int[n];
        tokens[0] = context.root();
        int hidden = context.hidden().length;
        Map<Integer, int[]> candidates = new HashMap<>();
        try (InferenceScope scope = head.scope()) {
            for (int d = 1; d <= shape.depth(); d++) {
                int[] expand = parentsAtDepth(parents, depths, d);
                int batch = expand.length;
                float[] states = new float[batch * hidden];
                float[] drafts = new float[batch * maxDepth * hidden];
                long[] depth = new long[batch];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(context.hidden(), 0, states, b * hidden, hidden);
                    depth[b] = d;
                    for (int node = expand[b]; node >= 0; node = parents[node]) {
                        engine.embed(tokens[node], drafts, (b * maxDepth + depths[node]) * hidden);
                    }
                }
                float[] logits = scope.run(head, Map.of("hidden_states", scope.floats(states, batch, hidden),
                    "draft_embeds", scope.floats(drafts, batch, maxDepth, hidden), "depth", scope.longs(depth, batch))).floats("logits");
                int vocab = logits.length / batch;
                int k = shape.topK(d);
                for (int b = 0; b < batch; b++) {
                    candidates.put(expand[b], TopK.of(logits, b * vocab, vocab, k));
                }
                for (int i = 1; i < n; i++) {
                    if (depths[i] == d) {
                        tokens[i] = candidates.get(parents[i])[choices[i]];
                    }
                }
            }
        }
        return new DraftTree(tokens, parents, depths);
    }

    private static int[] parentsAtDepth(int[] parents, int[] depths, int depth) {
        return java.util.stream.IntStream.range(0, parents.length)
            .filter(i -> depths[i] == depth - 1 && java.util.stream.IntStream.range(1, parents.length).anyMatch(c -> parents[c] == i))
            .toArray();
    }
}
