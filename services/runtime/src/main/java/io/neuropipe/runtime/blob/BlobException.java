package io.neuropipe.runtime.blob;

/** A claim-check payload cannot be read. */
public abstract class BlobException extends RuntimeException {

    protected BlobException(String message, Throwable cause) {
        super(message, cause);
    }
}
