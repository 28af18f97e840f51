package io.neuropipe.decoder.domain;

import java.util.List;

/**
 * What to generate.
 *
 * @param prefix            embeddings before the prompt
 * @param promptIds         prompt token ids, beginning of sequence included
 * @param maxTokens         most new tokens
 * @param stopStrings       generation ends once the text contains one of them (it is cut off)
 * @param sampler           picks each next token
 * @param repetitionPenalty 1.0 = none
 */
public record GenerationRequest(Prefix prefix, long[] promptIds, int maxTokens, List<String> stopStrings, Sampler sampler,
                                double repetitionPenalty) {
}
