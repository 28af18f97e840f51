package io.neuropipe.decoder.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Defaults of the multimodal decoding options (each can be overridden per request by the param in brackets).
 *
 * @param probeModel          attention-probe graph (first K LM layers, head-averaged attention [B, S, S]) used by
 *                            FastV and MustDrop's text-guided stage
 * @param fastvRatio          FastV: fraction R of the vision tokens dropped, in [0, 1) ({@code fastv_ratio})
 * @param mustdropGlobal      MustDrop text stage: a token whose summed text attention is below this fraction of
 *                            the total may be dropped, in [0, 1] ({@code mustdrop_global})
 * @param mustdropIndividual  MustDrop text stage: ... and whose largest single text attention is below this, in
 *                            [0, 1] ({@code mustdrop_individual})
 * @param damroAlpha          DAMRO contrast strength a in logits = (1 + a) full - a outliers-only, in [0, 10]; 0
 *                            turns DAMRO off ({@code damro_alpha})
 * @param damroBeta           DAMRO plausibility cut: tokens whose full logit is below log(beta) + max logit are
 *                            never chosen, in (0, 1] ({@code damro_beta})
 */
@Validated
@ConfigurationProperties("neuropipe.decoder.multimodal")
public record MultimodalProperties(
        @NotBlank @DefaultValue("lm-probe") String probeModel,
        @DecimalMin("0.0") @DecimalMax(value = "1.0", inclusive = false) @DefaultValue("0.5") double fastvRatio,
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.005") double mustdropGlobal,
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.02") double mustdropIndividual,
        @DecimalMin("0.0") @DecimalMax("10.0") @DefaultValue("0.5") double damroAlpha,
        @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("1.0") @DefaultValue("0.1") double damroBeta) {

    public static MultimodalProperties defaults() {
        return new MultimodalProperties("lm-probe", 0.5, 0.005, 0.02, 0.5, 0.1);
    }
}
