package io.neuropipe.runtime.blob;

import io.neuropipe.proto.v1.BlobRef;

/**
 * Claim-check store for payloads too large to travel inline in a Kafka record, shared by the
 * gateway (uploads, large inline inputs) and the services (large step outputs). Content is
 * addressed by its SHA-256, so a payload stored by several jobs is kept once; each job holds a
 * claim on it and a payload is deleted when the last job claiming it is deleted.
 */
public interface BlobStore {

    /** The reference {@code content} has (or will have) in this store, without storing it. */
    BlobRef refOf(String mediaType, byte[] content);

    /** Stores {@code content} (once per content) with a claim of {@code jobId} on it; idempotent. */
    BlobRef put(String jobId, String mediaType, byte[] content);

    /**
     * The content a reference names, checked against the reference's size and SHA-256.
     *
     * @throws BlobMissingException     the store does not hold it (deleted, or a foreign reference)
     * @throws BlobCorruptException     the stored bytes do not match the reference
     * @throws BlobUnavailableException the store cannot be reached now
     */
    byte[] get(BlobRef ref);

    /** Removes the job's claims and every payload no other job claims; returns how many payloads went. */
    int deleteJob(String jobId);
}
