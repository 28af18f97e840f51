package io.neuropipe.decoder.spec;

import java.util.Map;

import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import org.springframework.stereotype.Component;

/**
 * Medusa: one run of the heads on the last hidden state; head d-1 gives the top-k candidates of every node at
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
    public DraftTree propose(ProposalContext context) {
        TreeShape shape = context.options().tree();
        check(context.options());
        float[] logits;
        try (InferenceScope scope = heads.scope()) {
            logits = scope.run(heads, Map.of("hidden_states", scope.floats(context.hidden(), 1, context.hidden().length)))
                .floats("medusa_logits");
        }
        int vocab = logits.length / headCount;
        float[] headLogits = logits;
        return HeadTreeBuilder.build(context.root(), shape, context.options().minProbability(), (parents, depth, tokens, parentOf, depthOf) -> {
            HeadTreeBuilder.Choices choices = HeadTreeBuilder.top(headLogits, (depth - 1) * vocab, vocab, shape.topK(depth));
            HeadTreeBuilder.Choices[] all = new HeadTreeBuilder.Choices[parents.length];
            java.util.Arrays.fill(all, choices);
            return all;
        });
    }
}
