package io.neuropipe.generator.domain;

import java.util.List;
import java.util.Map;

import io.neuropipe.runtime.model.ModelCard;

/**
 * The UNet card's {@code preprocessing.encoder_propagation}: the paper's key steps for
 * {@code referenceSteps} DDIM steps, the default interval of the uniform schedule and the prior
 * noise injection ({@code x += scale * z_T} for timesteps below {@code injectionBelowT}).
 */
public record PropagationDefaults(List<Integer> keySteps, int referenceSteps, int uniformEvery, int injectionBelowT,
                                  double injectionScale) {

    public static final PropagationDefaults PAPER = new PropagationDefaults(List.of(0, 1, 2, 3, 5, 10, 15, 25, 35), 50, 4, 500, 0.003);

    public PropagationDefaults {
        keySteps = List.copyOf(keySteps);
    }

    @SuppressWarnings("unchecked")
    public static PropagationDefaults fromCard(ModelCard card) {
        Object section = card.preprocessing().get("encoder_propagation");
        if (!(section instanceof Map<?, ?> map)) {
            return PAPER;
        }
        List<Integer> keys = PAPER.keySteps();
        if (map.get("key_steps") instanceof List<?> list && !list.isEmpty()) {
            keys = list.stream().map(v -> ((Number) v).intValue()).toList();
        }
        int every = map.get("uniform_every") instanceof Number n ? n.intValue() : PAPER.uniformEvery();
        int belowT = PAPER.injectionBelowT();
        double scale = PAPER.injectionScale();
        if (map.get("prior_noise_injection") instanceof Map<?, ?> inj) {
            belowT = inj.get("below_t") instanceof Number n ? n.intValue() : belowT;
            scale = inj.get("scale") instanceof Number n ? n.doubleValue() : scale;
        }
        return new PropagationDefaults(keys, PAPER.referenceSteps(), every, belowT, scale);
    }
}
