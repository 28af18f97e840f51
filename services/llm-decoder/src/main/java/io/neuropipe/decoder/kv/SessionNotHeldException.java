package io.neuropipe.decoder.kv;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.PermanentStepException;

/**
 * A turn continues a conversation session this decoder does not hold at that turn: it expired, was evicted by the byte
 * budget, the decoder restarted, another turn replaced it, or the session lives on another instance. Failing the turn
 * (never prefilling it as a first turn) keeps the conversation from being silently lost.
 */
public class SessionNotHeldException extends PermanentStepException {

    public SessionNotHeldException(String session, int turn, String found) {
        super(ErrorCode.NOT_FOUND, "Session '" + session + "' at turn " + turn + " is not held by this decoder (" + found
            + "; sessions expire, are evicted by the byte budget, are lost when a decoder restarts and live on one decoder "
            + "instance only): resend the whole conversation without session_id, or start the session over with "
            + "session_turn=0");
    }
}
