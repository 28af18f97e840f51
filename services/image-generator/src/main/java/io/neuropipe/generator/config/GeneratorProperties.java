package io.neuropipe.generator.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The image generator's models and sampling defaults.
 *
 * @param encoderModel    model repository name of the UNet encoder half
 * @param decoderModel    model repository name of the UNet decoder half
 * @param defaultSteps    DDIM steps when a request names none
 * @param maxSteps        most DDIM steps a request may ask for
 * @param defaultGuidance classifier-free guidance scale when a request names none
 */
@Validated
@ConfigurationProperties("neuropipe.generator")
public record GeneratorProperties(
        @NotBlank @DefaultValue("unet-encoder") String encoderModel,
        @NotBlank @DefaultValue("unet-decoder") String decoderModel,
        @Min(1) @Max(1000) @DefaultValue("50") int defaultSteps,
        @Min(1) @Max(1000) @DefaultValue("200") int maxSteps,
        @DecimalMin("0") @DecimalMax("50") @DefaultValue("3.0") double defaultGuidance) {
}
