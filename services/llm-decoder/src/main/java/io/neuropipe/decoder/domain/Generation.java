package io.neuropipe.decoder.domain;

import java.util.List;

/**
 * What came out.
 *
 * @param text         generated text (stop string removed)
 * @param tokens       generated token ids
 * @param finishReason {@code eos}, {@code length} or {@code stop}
 * @param prefillMicros time to process the prefix and prompt
 */
public record Generation(String text, List<Integer> tokens, String finishReason, long prefillMicros) {
}
