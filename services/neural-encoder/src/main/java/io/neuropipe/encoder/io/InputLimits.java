package io.neuropipe.encoder.io;

/**
 * Size limits every reader enforces before it allocates, so that a forged header cannot make it
 * allocate gigabytes.
 *
 * @param maxBytes    the most bytes a reader accepts from one input (after gunzip for {@code .nii.gz})
 * @param maxElements the most values one decoded array may hold
 */
public record InputLimits(long maxBytes, long maxElements) {

    /** 256 MiB of input, 64 Mi values (256 MiB as float32). */
    public static final InputLimits DEFAULT = new InputLimits(256L << 20, 64L << 20);

    public InputLimits {
        if (maxBytes <= 0 || maxElements <= 0 || maxElements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("limits must be positive and maxElements < 2^31: " + maxBytes + ", " + maxElements);
        }
    }
}
