package io.neuropipe.encoder.gallery;

/** One entry as listed: id, label and whether it has a thumbnail. */
public record EntrySummary(long id, String label, boolean thumbnail) {
}
