package io.neuropipe.decoder.kv;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.domain.PromptEmbedding;
import io.neuropipe.runtime.model.ModelRepository;
import org.springframework.stereotype.Component;

/**
 * KV caches of earlier prompts, ZipCache-quantized (salient tokens by normalized attention at {@code highBits}, the rest at
 * {@code lowBits}). An entry is found by the digest of its prefix embeddings and reused up to the longest common run of
 * prompt tokens: a cached position depends only on the rows before it, so any shared start of the sequence is valid. At
 * least the last prompt token is always recomputed, to get the logits of the first new token.
 */
@Component
public class PrefixCache {

    /** A reusable start of the sequence: its first {@code tokens} rows, dequantized. */
    public record Hit(int tokens, KvSnapshot kv) {
    }

    /**
     * Totals since start.
     *
     * @param entries   prompts cached now
     * @param bytes     bytes the cached entries hold
     * @param fp32Bytes bytes the same caches would take as fp32
     */
    public record Stats(int entries, long bytes, long fp32Bytes, long hits, long misses) {
    }

    private record Entry(String prefixDigest, long[] promptIds, int prefixLength, QuantizedKvCache kv) {
    }

    private final PrefixCacheProperties props;
    private final ModelRepository models;
    private final ZipCacheCodec codec;
    private final Map<String, Entry> entries;
    private long hits;
    private long misses;

    public PrefixCache(ModelRepository models, PrefixCacheProperties props) {
        this.props = props;
        this.models = models;
        this.codec = new ZipCacheCodec(props.highBits(), props.lowBits());
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > props.maxEntries();
            }
        };
    }

    public PrefixCacheProperties properties() {
        return props;
    }

    public synchronized Optional<Hit> lookup(PromptEmbedding prompt) {
        String digest = digest(prompt.prefix());
        Entry best = null;
        int bestTokens = 0;
        for (Entry e : entries.values()) {
            if (!e.prefixDigest().equals(digest)) {
                continue;
            }
            int common = commonStart(e.promptIds(), prompt.promptIds(), prompt.promptIds().length - 1);
            int tokens = e.prefixLength() + common;
            if (tokens > bestTokens) {
                best = e;
                bestTokens = tokens;
            }
        }
        if (best == null || bestTokens == 0 || bestTokens >= prompt.length()) {
            misses++;
            return Optional.empty();
        }
        hits++;
        entries.get(key(best.prefixDigest(), best.promptIds()));
        return Optional.of(new Hit(bestTokens, ZipCacheCodec.decode(best.kv(), bestTokens)));
    }

    /** Quantizes and keeps the cache of a freshly prefilled prompt ({@code kv} covers all of {@code prompt}'s rows). */
    public void store(PromptEmbedding prompt, KvSnapshot kv) {
        QuantizedKvCache quantized = quantize(prompt, kv);
        String digest = digest(prompt.prefix());
        synchronized (this) {
            entries.put(key(digest, prompt.promptIds()), new Entry(digest, prompt.promptIds().clone(), prompt.prefix().length(),
                quantized));
        }
    }

    /** ZipCache form of {@code kv}, the cache of {@code prompt}'s rows, saliency from the probe's attention over them. */
    public QuantizedKvCache quantize(PromptEmbedding prompt, KvSnapshot kv) {
        AttentionProbe probe = new AttentionProbe(models.model(props.probeModel()));
        float[] attention = probe.attention(prompt.embeds(), prompt.positions(), prompt.length(), prompt.hidden());
        return codec.encode(kv, salient(attention, prompt.length()));
    }

    /** Saliency flags of a cache of {@code length} positions from its probe attention. */
    boolean[] salient(float[] attention, int length) {
        int[] probes = NormalizedAttentionSaliency.probeQueries(length, props.probeRecent(), props.probeRandom(), length);
        return NormalizedAttentionSaliency.salient(NormalizedAttentionSaliency.scores(attention, length, probes),
            props.lowFraction());
    }

    public synchronized Stats stats() {
        long bytes = 0;
        long fp32 = 0;
        for (Entry e : entries.values()) {
            bytes += e.kv().bytes();
            QuantizedKvCache.KvShape s = e.kv().source();
            fp32 += 2L * s.layers() * s.heads() * s.tokens() * s.headDim() * Float.BYTES;
        }
        return new Stats(entries.size(), bytes, fp32, hits, misses);
    }

    public synchronized void clear() {
        entries.clear();
    }

    private static int commonStart(long[] a, long[] b, int limit) {
        int n = Math.min(Math.min(a.length, b.length), Math.max(0, limit));
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    private static String key(String digest, long[] promptIds) {
        return digest + Arrays.toString(promptIds);
    }

    static String digest(Prefix prefix) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buffer = ByteBuffer.allocate((prefix.embeds().length + 2 * prefix.positions().length + 2) * Float.BYTES);
            for (float f : prefix.embeds()) {
                buffer.putFloat(f);
            }
            for (long p : prefix.positions()) {
                buffer.putLong(p);
            }
            buffer.putLong(prefix.textStart());
            sha.update(buffer.array(), 0, buffer.position());
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
