package io.neuropipe.gateway.auth;

import java.io.IOException;

/** A request body of unknown length grew past {@code neuropipe.gateway.limits.max-body-bytes}. */
public class BodyTooLargeException extends IOException {

    private final long limit;

    public BodyTooLargeException(long limit) {
        super("The request body exceeds the limit of " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
