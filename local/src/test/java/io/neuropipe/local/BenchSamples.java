package io.neuropipe.local;

import java.nio.file.Path;

/** Sample inputs for the benchmarks (which live in another package). */
public final class BenchSamples {

    private BenchSamples() {
    }

    public static float[] eegTrial(Path root) {
        return Samples.eegTrial("eeg_sub-01_trials.npy", 0, 63, 250);
    }
}
