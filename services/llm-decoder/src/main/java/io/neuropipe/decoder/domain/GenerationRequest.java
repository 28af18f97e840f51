package io.neuropipe.decoder.domain;

import java.util.List;

import io.neuropipe.decoder.contrastive.LogitsContrast;
import io.neuropipe.decoder.prefix.PrefixStage;

/**
 * What to generate.
 *
 * @param prefix            embeddings before the prompt
 * @param promptIds         prompt token ids, beginning of sequence included
 * @param maxTokens         most new tokens
 * @param stopStrings       generation ends once the text contains one of them (it is cut off)
 * @param sampler           picks each next token
 * @param repetitionPenalty 1.0 = none
 * @param prefixStage       may drop prefix rows before the prefill (FastV, MustDrop's text stage)
 * @param contrast          may combine each step's logits with a second branch's (DAMRO)
 */
public record GenerationRequest(Prefix prefix, long[] promptIds, int maxTokens, List<String> stopStrings, Sampler sampler,
                                double repetitionPenalty, PrefixStage prefixStage, LogitsContrast contrast) {

    public GenerationRequest(Prefix prefix, long[] promptIds, int maxTokens, List<String> stopStrings, Sampler sampler,
                             double repetitionPenalty) {
        this(prefix, promptIds, maxTokens, stopStrings, sampler, repetitionPenalty, PrefixStage.NONE, LogitsContrast.NONE);
    }
}
