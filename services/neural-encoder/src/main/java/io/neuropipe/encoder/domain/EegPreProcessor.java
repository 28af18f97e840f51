package io.neuropipe.encoder.domain;

/**
 * One pre-processing stage (DJL's {@code PreProcessor} in spirit): signal in, signal out, no
 * engine. Problems with the input are {@link io.neuropipe.runtime.step.InvalidInputException}s.
 */
@FunctionalInterface
public interface EegPreProcessor {

    EegSignal process(EegSignal in);
}
