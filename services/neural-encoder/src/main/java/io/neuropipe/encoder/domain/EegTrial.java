package io.neuropipe.encoder.domain;

/**
 * One EEG trial ready for the encoder.
 *
 * @param samples channel-major samples, {@code channels * timepoints} values in microvolts
 * @param subject the encoder's subject index (the subject-agnostic index when unknown)
 */
public record EegTrial(float[] samples, long subject) {
}
