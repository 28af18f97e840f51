package io.neuropipe.decoder.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The LLM decoder's models and limits.
 *
 * @param lmModel          decoder graph with a KV cache (Optimum layout, {@code inputs_embeds} input)
 * @param embedModel       token embedding lookup graph
 * @param visionProjector  graph projecting vision tokens into the LM's input embeddings
 * @param brainProjector   graph projecting an E-space embedding into prefix embeddings
 * @param defaultMaxTokens new tokens generated when a request names no {@code max_tokens}
 * @param maxTokensLimit   most new tokens a request may ask for
 * @param maxPromptTokens  longest prompt accepted, in tokens
 */
@Validated
@ConfigurationProperties("neuropipe.decoder")
public record DecoderProperties(
        @NotBlank @DefaultValue("lm") String lmModel,
        @NotBlank @DefaultValue("lm-embed") String embedModel,
        @NotBlank @DefaultValue("vision-projector") String visionProjector,
        @NotBlank @DefaultValue("brain-projector") String brainProjector,
        @Min(1) @DefaultValue("32") int defaultMaxTokens,
        @Min(1) @Max(4096) @DefaultValue("256") int maxTokensLimit,
        @Min(1) @DefaultValue("256") int maxPromptTokens) {
}
