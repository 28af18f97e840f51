package io.neuropipe.encoder.gallery;

import io.neuropipe.runtime.step.InvalidInputException;

/** Creating a gallery under a name that is taken (409 over REST). */
public class GalleryExistsException extends InvalidInputException {

    public GalleryExistsException(String name) {
        super("Gallery '" + name + "' already exists");
    }
}
