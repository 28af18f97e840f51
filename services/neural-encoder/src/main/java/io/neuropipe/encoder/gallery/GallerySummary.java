package io.neuropipe.encoder.gallery;

import java.time.OffsetDateTime;

/**
 * A gallery without its entries.
 *
 * @param version bumped on every change to the gallery's entries
 * @param shared  whether every tenant sees it (read-only); otherwise it is the caller's own
 */
public record GallerySummary(String name, String description, int dim, long size, long version, OffsetDateTime createdAt,
                             boolean shared) {
}
