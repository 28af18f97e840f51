package io.neuropipe.gateway.job;

/** An idempotency key (request id) was reused with a request that asks for something else. */
public class IdempotencyConflictException extends RuntimeException {

    public IdempotencyConflictException(String key, String jobId) {
        super("Idempotency key '" + key + "' was used for job " + jobId + " with a different request; use a new key"
            + " for a new request");
    }
}
