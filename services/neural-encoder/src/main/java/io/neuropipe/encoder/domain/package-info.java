/**
 * Encoder domain code, free of engines and frameworks: EEG pre-processing stages
 * ({@link io.neuropipe.encoder.domain.EegPreProcessor}: channel matching, resampling, baseline,
 * crop, normalisation, finite check, chained by {@link io.neuropipe.encoder.domain.EegPreprocessing}),
 * epoching ({@link io.neuropipe.encoder.domain.Epocher}) and fMRI pre-processing
 * ({@link io.neuropipe.encoder.domain.FmriPreprocessing}, {@link io.neuropipe.encoder.domain.AdaptiveMaxPool}).
 * Signals travel as {@link io.neuropipe.encoder.domain.EegSignal} ([channels, samples] floats, channel-major).
 */
package io.neuropipe.encoder.domain;
