package io.neuropipe.encoder.gallery;

import java.time.OffsetDateTime;

/**
 * A gallery without its entries.
 *
 * @param version bumped on every change to the gallery's entries
 */
public record GallerySummary(String name, String description, int dim, long size, long version, OffsetDateTime createdAt) {
}
