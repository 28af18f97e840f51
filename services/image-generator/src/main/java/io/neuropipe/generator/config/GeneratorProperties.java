package io.neuropipe.generator.config;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The image generator's models, sampling defaults and UNet batching.
 *
 * @param encoderModel       model repository name of the UNet encoder half
 * @param decoderModel       model repository name of the UNet decoder half
 * @param defaultSteps       DDIM steps when a request names none
 * @param maxSteps           most DDIM steps a request may ask for
 * @param defaultGuidance    classifier-free guidance scale when a request names none
 * @param defaultPropagation encoder propagation schedule when a request names none ({@code off}, {@code keysteps}, {@code uniform})
 * @param maxParallelSteps   most steps whose decoder passes share one call in parallel mode
 * @param batching           batching of UNet calls across concurrent requests
 */
@Validated
@ConfigurationProperties("neuropipe.generator")
public record GeneratorProperties(
        @NotBlank @DefaultValue("unet-encoder") String encoderModel,
        @NotBlank @DefaultValue("unet-decoder") String decoderModel,
        @Min(1) @Max(1000) @DefaultValue("50") int defaultSteps,
        @Min(1) @Max(1000) @DefaultValue("200") int maxSteps,
        @DecimalMin("0") @DecimalMax("50") @DefaultValue("3.0") double defaultGuidance,
        @NotBlank @DefaultValue("off") String defaultPropagation,
        @Min(1) @Max(256) @DefaultValue("16") int maxParallelSteps,
        @Valid @NotNull @DefaultValue Batching batching) {

    /**
     * Dynamic batching of UNet calls: concurrent requests' encoder calls share one model call, and so
     * do their decoder calls.
     *
     * @param enabled       batch across requests; off = each request calls the model on its own
     * @param maxBatchSize  most requests' calls in one model call
     * @param maxDelay      longest a call waits for others to share its model call
     * @param queueCapacity calls that may wait before new ones are refused
     */
    public record Batching(
            @DefaultValue("true") boolean enabled,
            @Min(1) @Max(256) @DefaultValue("8") int maxBatchSize,
            @NotNull @DefaultValue("1ms") Duration maxDelay,
            @Min(1) @DefaultValue("1024") int queueCapacity) {
    }

    public static GeneratorProperties defaults() {
        return new GeneratorProperties("unet-encoder", "unet-decoder", 50, 200, 3.0, "off", 16,
            new Batching(true, 8, Duration.ofMillis(1), 1024));
    }
}
