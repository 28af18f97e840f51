package io.neuropipe.decoder.spec;

/**
 * The verified outcome of one tree.
 *
 * @param path  [m + 1] accepted nodes from the root (always node 0) down, in order
 * @param bonus token the base model picks after the last accepted node (the next step's root)
 */
public record Acceptance(int[] path, int bonus) {

    /** Drafted tokens accepted (the root not counted). */
    public int acceptedDrafts() {
        return path.length - 1;
    }
}
