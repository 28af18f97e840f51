package io.neuropipe.decoder.kv;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The prefix cache: KV caches of earlier prompts kept ZipCache-quantized, so a request that starts with the same prefix
 * embeddings and prompt tokens restores them instead of recomputing them.
 *
 * @param enabled        use the cache when a request does not say ({@code prefix_cache} step parameter)
 * @param maxEntries     cached prompts kept; the least recently used one is dropped first
 * @param highBits       bits per salient token's codes (1, 2, 4 or 8)
 * @param lowBits        bits per regular token's codes (1, 2, 4 or 8)
 * @param lowFraction    share of tokens, lowest normalized attention first, stored at {@code lowBits}
 * @param probeModel     graph returning head-averaged causal attention ({@code attentions} [batch, q, k]) for the saliency
 * @param probeRecent    share of positions, the most recent ones, used as probe queries
 * @param probeRandom    share of positions drawn at random (fixed seed) as further probe queries
 */
@Validated
@ConfigurationProperties("neuropipe.decoder.prefix-cache")
public record PrefixCacheProperties(
        @DefaultValue("false") boolean enabled,
        @Min(1) @DefaultValue("64") int maxEntries,
        @Min(1) @Max(8) @DefaultValue("4") int highBits,
        @Min(1) @Max(8) @DefaultValue("2") int lowBits,
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.4") double lowFraction,
        @NotBlank @DefaultValue("lm-probe") String probeModel,
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.05") double probeRecent,
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.05") double probeRandom) {

    public PrefixCacheProperties {
        PackedCodes.requireBits(highBits);
        PackedCodes.requireBits(lowBits);
        if (lowBits > highBits) {
            throw new IllegalArgumentException("neuropipe.decoder.prefix-cache.low-bits (" + lowBits
                + ") must not exceed high-bits (" + highBits + ")");
        }
    }

    public static PrefixCacheProperties defaults() {
        return new PrefixCacheProperties(false, 64, 4, 2, 0.4, "lm-probe", 0.05, 0.05);
    }
}
