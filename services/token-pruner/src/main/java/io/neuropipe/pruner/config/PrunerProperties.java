package io.neuropipe.pruner.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The token pruner's model and limits.
 *
 * @param imageModel      model repository name of the vision encoder
 * @param defaultStrategy pruning strategy used when a request names none
 * @param maxImageBytes   largest encoded image accepted
 * @param maxImageSide    largest width or height of an image accepted before resizing
 */
@Validated
@ConfigurationProperties("neuropipe.pruner")
public record PrunerProperties(
        @NotBlank @DefaultValue("image-encoder") String imageModel,
        @NotBlank @DefaultValue("none") String defaultStrategy,
        @Min(1) @DefaultValue("4194304") int maxImageBytes,
        @Min(1) @Max(8192) @DefaultValue("2048") int maxImageSide) {
}
