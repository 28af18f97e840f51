package io.neuropipe.encoder.config;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The neural encoder's models and batching.
 *
 * @param eegModel      model repository name of the EEG encoder ({@code model=deep})
 * @param eegRidgeModel model repository name of the linear EEG baseline ({@code model=ridge})
 * @param fmriTranslatorModel model repository name of the shared fMRI translator (adapter hidden -> embedding)
 * @param fmriRidgePrefix model repository name prefix of the per-subject fMRI ridge baselines ({@code <prefix><subject>})
 * @param maxBatchSize  most EEG trials (or fMRI vectors) encoded in one model call
 * @param maxQueueDelay longest a trial or vector waits for others to share its model call
 * @param queueCapacity trials (and, separately, vectors) that may wait for a model call before new ones are refused
 */
@Validated
@ConfigurationProperties("neuropipe.encoder")
public record EncoderProperties(
        @NotBlank @DefaultValue("eeg-encoder") String eegModel,
        @NotBlank @DefaultValue("eeg-ridge") String eegRidgeModel,
        @NotBlank @DefaultValue("fmri-translator") String fmriTranslatorModel,
        @NotBlank @DefaultValue("fmri-ridge-") String fmriRidgePrefix,
        @Min(1) @Max(1024) @DefaultValue("32") int maxBatchSize,
        @NotNull @DefaultValue("2ms") Duration maxQueueDelay,
        @Min(1) @DefaultValue("1024") int queueCapacity) {
}
