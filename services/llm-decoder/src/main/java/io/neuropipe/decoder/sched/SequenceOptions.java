package io.neuropipe.decoder.sched;

/**
 * Per-request engine options.
 *
 * @param prefixCache reuse (and store) the quantized KV cache of a repeated prompt prefix
 * @param sessionId   conversation session whose cache the prompt continues and which keeps this turn's cache; null = none
 * @param sessionTurn turns of the session the prompt continues (its tokens lead the prompt); 0 = the session starts
 *                    over with this turn, replacing what it held
 */
public record SequenceOptions(boolean prefixCache, String sessionId, int sessionTurn) {

    public SequenceOptions {
        if (sessionTurn < 0 || (sessionId == null && sessionTurn != 0)) {
            throw new IllegalArgumentException("session turn " + sessionTurn + " for session " + sessionId);
        }
    }

    public SequenceOptions(boolean prefixCache) {
        this(prefixCache, null, 0);
    }

    public static SequenceOptions none() {
        return new SequenceOptions(false);
    }
}
