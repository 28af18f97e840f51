package io.neuropipe.decoder.spec;

/**
 * What a proposer drafts from.
 *
 * @param root    the token the base model chose next (x_{t+1}); already the last entry of {@code history}
 * @param hidden  [hidden] the base model's last hidden state at position t (the one that produced {@code root})
 * @param history prompt ids and generated ids so far, {@code root} included
 * @param options the request's speculation settings
 * @param headLogits [heads * vocab] the Medusa heads' logits at position t when the verification pass already
 *                computed them (a fused verification graph), else null
 */
public record ProposalContext(int root, float[] hidden, TokenHistory history, SpeculationOptions options, float[] headLogits) {
}
