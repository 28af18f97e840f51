package io.neuropipe.decoder.spec;

/**
 * One request's speculative decoding settings.
 *
 * @param proposer    name of the proposer ({@code medusa}, {@code hydra}, {@code lookup})
 * @param tree        candidate tree of the head-based proposers
 * @param draftLength most tokens the lookup proposer drafts per step
 * @param ngram       longest n-gram the lookup proposer matches (it falls back to shorter ones, down to 1)
 * @param acceptance  how drafted tokens are accepted
 */
public record SpeculationOptions(String proposer, TreeShape tree, int draftLength, int ngram, AcceptanceRule acceptance) {
}
