package io.neuropipe.decoder.sched;

/**
 * Per-request engine options.
 *
 * @param prefixCache reuse (and store) the quantized KV cache of a repeated prompt prefix
 */
public record SequenceOptions(boolean prefixCache) {

    public static SequenceOptions none() {
        return new SequenceOptions(false);
    }
}
