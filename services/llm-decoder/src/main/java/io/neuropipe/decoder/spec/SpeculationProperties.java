package io.neuropipe.decoder.spec;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Speculative decoding: draft models, default candidate trees and acceptance settings.
 *
 * @param treeModel      decoder graph taking an additive tree-attention mask [B, 1, S, P + S] (verifies the drafts);
 *                       empty for a decoder without one: drafts are then verified as a batch of paths
 * @param medusaTreeModel the tree-attention decoder with the Medusa heads fused in (extra output {@code medusa_logits}
 *                       [B, S, heads, vocab]): Medusa prefills and verifies through it and drafts from its output, so
 *                       a request runs one graph and no separate heads call (faster on CPU for the zoo model,
 *                       docs/BENCHMARK-NOTES.md); empty: {@code treeModel} plus a {@code medusaModel} run per step
 * @param medusaModel    Medusa heads graph: last hidden state [B, hidden] -> logits [B, heads, vocab] of tokens t+2..
 * @param hydraModel     Hydra head graph: hidden state + embeddings of the drafted tokens + depth -> next logits
 * @param medusaTree     default Medusa candidate tree, paths of top-k choice indices ({@code "0;1;0,0"}, see TreeShape)
 * @param hydraTree      default Hydra candidate tree, same format
 * @param maxTreeNodes   most nodes (root included) a request's {@code spec_tree} may have
 * @param minPathProbability Medusa/Hydra drop tree nodes whose path's draft probability (product of the heads'
 *                       softmax probabilities of its tokens) is below this; 0 keeps the whole tree
 * @param lookupDraft    default number of tokens the lookup proposer drafts per step
 * @param lookupNgram    default longest n-gram the lookup proposer matches against the prompt and output
 * @param typicalEpsilon typical acceptance: probability above which a drafted token is always accepted
 * @param typicalDelta   typical acceptance: entropy-scaled threshold factor, p > min(epsilon, delta * exp(-H))
 */
@Validated
@ConfigurationProperties("neuropipe.decoder.speculation")
public record SpeculationProperties(
        @DefaultValue("lm-tree") String treeModel,
        @DefaultValue("lm-tree-medusa") String medusaTreeModel,
        @NotBlank @DefaultValue("medusa-heads") String medusaModel,
        @NotBlank @DefaultValue("hydra-head") String hydraModel,
        @NotBlank @DefaultValue(DEFAULT_TREE) String medusaTree,
        @NotBlank @DefaultValue(DEFAULT_TREE) String hydraTree,
        @Min(2) @Max(256) @DefaultValue("64") int maxTreeNodes,
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.1") double minPathProbability,
        @Min(1) @Max(64) @DefaultValue("8") int lookupDraft,
        @Min(1) @Max(16) @DefaultValue("3") int lookupNgram,
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.09") double typicalEpsilon,
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.3") double typicalDelta) {

    /** 20 nodes, depth 3 (the zoo's 3 heads): the top-4 first tokens, top-2/3 continuations of the likeliest. */
    public static final String DEFAULT_TREE = "0;1;2;3;0,0;0,1;0,2;1,0;1,1;2,0;3,0;0,0,0;0,0,1;0,0,2;0,1,0;1,0,0;0,2,0;2,0,0;1,1,0";

    public static SpeculationProperties defaults() {
        return new SpeculationProperties("lm-tree", "lm-tree-medusa", "medusa-heads", "hydra-head", DEFAULT_TREE, DEFAULT_TREE, 64, 0.1, 8, 3, 0.09, 0.3);
    }
}
