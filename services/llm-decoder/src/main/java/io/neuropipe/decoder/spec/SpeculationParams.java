package io.neuropipe.decoder.spec;

import java.util.Optional;

import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepParams;
import org.springframework.stereotype.Component;

/**
 * Reads a decode request's speculation parameters: {@code speculation} ({@code none} or a proposer name),
 * {@code spec_tree} (Medusa/Hydra candidate tree, e.g. {@code 0;1;0,0}), {@code spec_draft} and {@code spec_ngram}
 * (lookup), {@code spec_verify} ({@code tree}: one pass with tree attention, {@code paths}: the root-to-leaf paths as
 * a batch through the plain decoder), {@code spec_min_prob} (Medusa/Hydra: drop tree nodes less likely than this), {@code spec_epsilon} and {@code spec_delta} (typical acceptance, used when {@code temperature > 0};
 * greedy acceptance otherwise).
 */
@Component
public class SpeculationParams {

    public static final String NONE = "none";

    private final SpeculationProperties props;
    private final SpeculativeGenerator generator;
    private final TreeShape medusaTree;
    private final TreeShape hydraTree;

    public SpeculationParams(SpeculationProperties props, SpeculativeGenerator generator) {
        this.props = props;
        this.generator = generator;
        this.medusaTree = TreeShape.parse(props.medusaTree());
        this.hydraTree = TreeShape.parse(props.hydraTree());
    }

    /** Empty for plain decoding. */
    public Optional<SpeculationOptions> options(StepParams params, double temperature) {
        String name = params.string("speculation", NONE);
        if (name.equals(NONE)) {
            return Optional.empty();
        }
        try {
            Proposer proposer = generator.proposer(name);
            String custom = params.string("spec_tree", "");
            TreeShape tree = !custom.isEmpty() ? TreeShape.parse(custom) : name.equals("hydra") ? hydraTree : medusaTree;
            if (tree.nodes() > props.maxTreeNodes()) {
                throw new IllegalArgumentException("spec_tree has " + tree.nodes() + " nodes; the limit is " + props.maxTreeNodes());
            }
            int draft = params.integer("spec_draft", props.lookupDraft(), 1, 64);
            int ngram = params.integer("spec_ngram", props.lookupNgram(), 1, 16);
            AcceptanceRule acceptance = temperature == 0.0 ? new GreedyAcceptance()
                : new TypicalAcceptance(params.number("spec_epsilon", props.typicalEpsilon(), 0.0, 1.0),
                    params.number("spec_delta", props.typicalDelta(), 0.0, 1.0), temperature);
            double minProbability = params.number("spec_min_prob", props.minPathProbability(), 0.0, 1.0);
            String verify = params.string("spec_verify", generator.hasTreeModel() ? "tree" : "paths");
            if (!verify.equals("tree") && !verify.equals("paths")) {
                throw new IllegalArgumentException("spec_verify must be tree or paths, not '" + verify + "'");
            }
            if (verify.equals("tree") && !generator.hasTreeModel()) {
                throw new IllegalArgumentException("no tree-attention decoder is configured; use spec_verify=paths");
            }
            SpeculationOptions options = new SpeculationOptions(name, tree, draft, ngram, acceptance, minProbability, verify.equals("tree"));
            proposer.check(options);
            return Optional.of(options);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("speculation=" + name + ": " + e.getMessage());
        }
    }
}
