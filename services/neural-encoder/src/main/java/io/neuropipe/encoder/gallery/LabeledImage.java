package io.neuropipe.encoder.gallery;

/** An uploaded image (PNG or JPEG bytes) and its label. */
public record LabeledImage(String label, byte[] encoded) {
}
