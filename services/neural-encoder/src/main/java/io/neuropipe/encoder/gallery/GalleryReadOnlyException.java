package io.neuropipe.encoder.gallery;

import io.neuropipe.runtime.step.InvalidInputException;

/** Changing a shared gallery, which tenants may only read and search (403 over REST). */
public class GalleryReadOnlyException extends InvalidInputException {

    public GalleryReadOnlyException(String name) {
        super("Gallery '" + name + "' is shared by all tenants and read-only; create a gallery of your own to add entries");
    }
}
