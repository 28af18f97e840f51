package io.neuropipe.runtime.blob;

/** The store cannot be reached now (database or disk error); retrying may succeed. */
public class BlobUnavailableException extends BlobException {

    public BlobUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
