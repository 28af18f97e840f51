package io.neuropipe.gateway.job;

/** An uploaded file a job input refers to by blob reference, stored with the job when it is accepted. */
public record UploadedBlob(String mediaType, byte[] content) {
}
