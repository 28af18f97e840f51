package io.neuropipe.runtime.step;

import java.util.function.Supplier;

/** Wall time a step spent in pre-processing, inference and post-processing, in microseconds. */
public final class StageTimings {

    private long preprocessNanos;
    private long inferenceNanos;
    private long postprocessNanos;

    public <T> T preprocess(Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            preprocessNanos += System.nanoTime() - start;
        }
    }

    public <T> T inference(Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            inferenceNanos += System.nanoTime() - start;
        }
    }

    public <T> T postprocess(Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            postprocessNanos += System.nanoTime() - start;
        }
    }

    public long preprocessMicros() {
        return preprocessNanos / 1000;
    }

    public long inferenceMicros() {
        return inferenceNanos / 1000;
    }

    public long postprocessMicros() {
        return postprocessNanos / 1000;
    }
}
