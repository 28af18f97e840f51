package io.neuropipe.generator.engine;

import io.neuropipe.generator.domain.DdimSchedule;
import io.neuropipe.generator.domain.PropagationDefaults;
import io.neuropipe.runtime.model.ModelCard;

/**
 * What the sampler and the step need to know about the served UNet halves.
 *
 * @param encoderId     e.g. {@code unet-encoder/1}
 * @param decoderId     e.g. {@code unet-decoder/1}
 * @param encoderSha256 checksum of the encoder graph
 * @param decoderSha256 checksum of the decoder graph
 * @param trained       whether the card says the weights are trained
 * @param conditionDim  length of the condition embedding
 * @param imageSize     side of the square image
 * @param schedule      noise schedule
 * @param propagation   encoder propagation constants of the card
 */
public record UnetSpec(String encoderId, String decoderId, String encoderSha256, String decoderSha256, boolean trained,
                       int conditionDim, int imageSize, DdimSchedule schedule, PropagationDefaults propagation) {

    public static UnetSpec of(ModelCard encoder, ModelCard decoder) {
        long dim = encoder.input("condition").map(t -> t.shape().get(t.shape().size() - 1)).orElseThrow(
            () -> new IllegalStateException("Model " + encoder.id() + " declares no condition input"));
        return new UnetSpec(encoder.id(), decoder.id(), encoder.sha256(), decoder.sha256(), encoder.trained(), (int) dim,
            (int) encoder.preprocessingNumber("image_size", 32), DdimSchedule.fromCard(encoder), PropagationDefaults.fromCard(encoder));
    }
}
