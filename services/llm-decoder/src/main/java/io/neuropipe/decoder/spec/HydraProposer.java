package io.neuropipe.decoder.spec;

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
        int hidden = context.hidden().length;
        try (InferenceScope scope = head.scope()) {
            return HeadTreeBuilder.build(context.root(), shape, context.options().minProbability(),
                (expand, d, tokens, parents, depths) -> {
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
                    HeadTreeBuilder.Choices[] choices = new HeadTreeBuilder.Choices[batch];
                    for (int b = 0; b < batch; b++) {
                        choices[b] = HeadTreeBuilder.top(logits, b * vocab, vocab, shape.topK(d));
                    }
                    return choices;
                });
        }
    }
}
