package io.neuropipe.encoder.subject;

/** A subject with that id is already registered. */
public class SubjectExistsException extends RuntimeException {

    public SubjectExistsException(String id) {
        super("Subject '" + id + "' is already registered");
    }
}
