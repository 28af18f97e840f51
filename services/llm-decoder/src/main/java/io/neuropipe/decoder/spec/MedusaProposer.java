package io.neuropipe.decoder.spec;

import java.util.Map;

import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import org.springframework.stereotype.Component;

/**
 * Medusa: one run of the heads on the last hidden state (or their logits from a verification graph with the heads
 * fused in, which saves that run); head d-1 gives the top-k candidates of every node at
 * depth d, independent of the parent (so siblings' subtrees share their candidates). Unlikely nodes are dropped
 * ({@link SpeculationOptions#minProbability()}).
 */
@Component
public class MedusaProposer implements Proposer {

    private final OnnxModel heads;
    private final int headCount;

    public MedusaProposer(ModelRepository models, SpeculationProperties props) {
        this.heads = models.model(props.medusaModel());
        this.headCount = (int) heads.card().preprocessingNumber("num_heads", 0);
    }

    @Override
    public String name() {
        return "medusa";
    }

    @Override
    public int maxNodes(SpeculationOptions options) {
        return options.tree().nodes();
    }

    @Override
    public void check(SpeculationOptions options) {
        if (options.tree().depth() > headCount) {
            throw new IllegalArgumentException("The Medusa tree is " + options.tree().depth() + " deep; " + heads.card().id()
                + " has " + headCount + " heads");
        }
    }

    @Override
    public boolean readsHeadLogits() {
        return true;
    }

    @Override
    public DraftTree propose(ProposalContext context) {
        TreeShape shape = context.options().tree();
        check(context.options());
        float[] logits = context.headLogits() != null ? context.headLogits() : run(context.hidden());
        int vocab = logits.length / headCount;
        float[] headLogits = logits;
        return HeadTreeBuilder.build(context.root(), shape, context.options().minProbability(), (parents, depth, tokens, parentOf, depthOf) -> {
            HeadTreeBuilder.Choices choices = HeadTreeBuilder.top(headLogits, (depth - 1) * vocab, vocab, shape.topK(depth));
            HeadTreeBuilder.Choices[] all = new HeadTreeBuilder.Choices[parents.length];
            java.util.Arrays.fill(all, choices);
            return all;
        });
    }

    private float[] run(float[] hidden) {
        try (InferenceScope scope = heads.scope()) {
            return scope.run(heads, Map.of("hidden_states", scope.floats(hidden, 1, hidden.length))).floats("medusa_logits");
        }
    }
}
