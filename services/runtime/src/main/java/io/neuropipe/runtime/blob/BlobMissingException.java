package io.neuropipe.runtime.blob;

/** The store holds no payload for a reference (deleted with its job, or a reference to another store). */
public class BlobMissingException extends BlobException {

    public BlobMissingException(String message) {
        super(message, null);
    }
}
