package io.neuropipe.decoder.step;

import java.util.LinkedHashMap;
import java.util.Map;

import io.neuropipe.decoder.contrastive.LogitsContrast;
import io.neuropipe.decoder.prefix.PrefixStage;
import io.neuropipe.decoder.prefix.ProbedPrefixStage;

/**
 * One request's multimodal decoding options.
 *
 * @param prefixStage LLM-side vision-token pruning before the prefill ({@link PrefixStage#NONE} if off)
 * @param contrast    contrastive decoding ({@link LogitsContrast#NONE} if off)
 * @param settings    effective settings, for the provenance ({@code decode.<key>})
 */
public record MultimodalOptions(PrefixStage prefixStage, LogitsContrast contrast, Map<String, String> settings) {

    public static MultimodalOptions none() {
        return new MultimodalOptions(PrefixStage.NONE, LogitsContrast.NONE, Map.of("llm_pruning", "none", "damro", "off"));
    }

    /** The settings plus, once generation ran, what the pruning stage kept and how long its probe took. */
    public Map<String, String> provenance() {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> out.put("decode." + k, v));
        if (prefixStage instanceof ProbedPrefixStage probed && probed.keptTokens() >= 0) {
            out.put("decode.prefix_kept", Integer.toString(probed.keptTokens()));
            out.put("decode.probe_us", Long.toString(probed.probeMicros()));
        }
        return out;
    }
}
