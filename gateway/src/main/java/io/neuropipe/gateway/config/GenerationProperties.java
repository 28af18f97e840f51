package io.neuropipe.gateway.config;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Text generation at the gateway ({@code neuropipe.gateway.generation.*}): the OIP v2 generate extension's models and
 * the checks of decoding parameters made before a job starts.
 *
 * @param models        language model -> pipeline that serves {@code POST /v2/models/{model}/generate[_stream]}; the
 *                      pipeline takes the prompt as its {@code prompt-input} text input and returns text
 * @param promptInput   the pipelines' text input that receives {@code text_input}
 * @param decodeStep    step whose parameters (temperature, top_p, top_k, max_tokens) are checked at submission, for
 *                      every pipeline whose route runs it
 * @param languageModel model whose card's {@code max_position_embeddings} bounds {@code max_tokens} in those pipelines
 */
@Validated
@ConfigurationProperties("neuropipe.gateway.generation")
public record GenerationProperties(
        @DefaultValue Map<String, String> models,
        @NotBlank @DefaultValue("prompt") String promptInput,
        @NotBlank @DefaultValue("decode") String decodeStep,
        @NotBlank @DefaultValue("lm") String languageModel) {

    public GenerationProperties {
        models = models == null ? Map.of() : Map.copyOf(models);
    }
}
