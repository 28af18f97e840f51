package io.neuropipe.encoder.gallery;

/**
 * One gallery entry found by a retrieval.
 *
 * @param rank    1 for the best match
 * @param entryId the entry's id in its gallery
 * @param label   the entry's label
 * @param score   cosine similarity with the query, in [-1, 1]
 */
public record RetrievalHit(int rank, long entryId, String label, float score) {
}
