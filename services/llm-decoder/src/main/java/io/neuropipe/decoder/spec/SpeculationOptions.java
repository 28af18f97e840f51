package io.neuropipe.decoder.spec;

/**
 * One request's speculative decoding settings.
 *
 * @param proposer    name of the proposer ({@code medusa}, {@code hydra}, {@code lookup})
 * @param tree        candidate tree of the head-based proposers
 * @param draftLength most tokens the lookup proposer drafts per step
 * @param ngram       longest n-gram the lookup proposer matches (it falls back to shorter ones, down to 1)
 * @param acceptance  how drafted tokens are accepted
 * @param minProbability head-based proposers drop tree nodes whose path's draft probability is below this
 * @param treeAttention  verify the tree in one pass with a tree mask (true) or its root-to-leaf paths as a batch
 */
public record SpeculationOptions(String proposer, TreeShape tree, int draftLength, int ngram, AcceptanceRule acceptance,
                                 double minProbability, boolean treeAttention) {
}
