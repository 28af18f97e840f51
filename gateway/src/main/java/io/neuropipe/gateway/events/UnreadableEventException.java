package io.neuropipe.gateway.events;

/** A Kafka record that is not the protobuf message its topic carries; not retried (see gateway.yml). */
public class UnreadableEventException extends RuntimeException {

    public UnreadableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
