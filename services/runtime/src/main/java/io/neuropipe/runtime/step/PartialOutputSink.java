package io.neuropipe.runtime.step;

/** Publishes a piece of a step's output before the step finishes (e.g. streamed text). */
@FunctionalInterface
public interface PartialOutputSink {

    void emit(String artifact, int index, String text);

    PartialOutputSink NONE = (artifact, index, text) -> { };
}
