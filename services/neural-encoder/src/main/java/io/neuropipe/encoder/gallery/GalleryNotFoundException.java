package io.neuropipe.encoder.gallery;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.InvalidInputException;

/** A gallery (or an entry of one) that does not exist: 404 over REST, a NOT_FOUND job failure in a pipeline. */
public class GalleryNotFoundException extends InvalidInputException {

    public GalleryNotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, message);
    }
}
