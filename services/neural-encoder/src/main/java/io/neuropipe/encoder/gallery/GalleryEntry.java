package io.neuropipe.encoder.gallery;

/**
 * An entry to add to a gallery.
 *
 * @param label     what the entry shows (e.g. a caption or class name)
 * @param embedding the entry's embedding, {@code dim} finite values, not all zero
 * @param thumbnail PNG bytes shown for a hit, or null
 */
public record GalleryEntry(String label, float[] embedding, byte[] thumbnail) {
}
