package io.neuropipe.decoder.kv;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Conversation sessions: the KV cache of a request with a {@code session_id} is kept ZipCache-quantized (bits, share
 * and probe as {@code neuropipe.decoder.prefix-cache.*}) so the session's next turn prefills only its new tokens.
 *
 * @param maxBytes bytes all kept sessions may hold (quantized codes and parameters); the least recently used session is
 *                 dropped first
 */
@Validated
@ConfigurationProperties("neuropipe.decoder.sessions")
public record SessionCacheProperties(@Min(1) @DefaultValue("67108864") long maxBytes) {

    public static SessionCacheProperties defaults() {
        return new SessionCacheProperties(64L << 20);
    }
}
