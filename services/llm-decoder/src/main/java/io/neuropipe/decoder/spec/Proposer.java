package io.neuropipe.decoder.spec;

/**
 * Drafts a candidate tree for the base model to verify (vLLM's proposer). Implementations are stateless Spring
 * beans registered under {@link #name()}, the value of the request parameter {@code speculation}.
 */
public interface Proposer {

    String name();

    DraftTree propose(ProposalContext context);

    /** Most nodes (root included) of a tree this proposer drafts under {@code options}; sizes the KV cache. */
    int maxNodes(SpeculationOptions options);

    /** Whether this proposer drafts from {@link ProposalContext#headLogits()} when the verification pass provides them. */
    default boolean readsHeadLogits() {
        return false;
    }

    /** Rejects options this proposer cannot serve (e.g. a tree deeper than its heads) with the reason. */
    default void check(SpeculationOptions options) {
    }
}
