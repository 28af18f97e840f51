package io.neuropipe.runtime.blob;

/** The stored payload's size or SHA-256 differs from the reference's. */
public class BlobCorruptException extends BlobException {

    public BlobCorruptException(String message) {
        super(message, null);
    }
}
