package io.neuropipe.decoder.spec;

import io.neuropipe.decoder.domain.Generation;

/**
 * A generation produced with speculative decoding.
 *
 * @param generation the text and tokens (identical to plain decoding under greedy acceptance)
 * @param stats      acceptance figures
 */
public record SpeculativeGeneration(Generation generation, SpeculationStats stats) {
}
