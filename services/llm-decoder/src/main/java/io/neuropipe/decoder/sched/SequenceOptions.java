package io.neuropipe.decoder.sched;

/**
 * Per-request engine options.
 *
 * @param prefixCache reuse (and store) the quantized KV cache of a repeated prompt prefix
 * @param sessionId   conversation session whose cache the prompt continues and which keeps this turn's cache; null = none
 */
public record SequenceOptions(boolean prefixCache, String sessionId) {

    public SequenceOptions(boolean prefixCache) {
        this(prefixCache, null);
    }

    public static SequenceOptions none() {
        return new SequenceOptions(false);
    }
}
