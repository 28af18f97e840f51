package io.neuropipe.gateway.api;

/** A request passes one of {@code neuropipe.gateway.limits.*}; answered 413 naming the field. */
class LimitExceededException extends RuntimeException {

    private final String field;
    private final long limit;

    LimitExceededException(String field, String message, long limit) {
        super(message);
        this.field = field;
        this.limit = limit;
    }

    String field() {
        return field;
    }

    long limit() {
        return limit;
    }
}
