package io.neuropipe.decoder.kv;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.domain.PromptEmbedding;
import org.springframework.stereotype.Component;

/**
 * Conversation sessions: per {@code session_id}, the conversation's token ids so far and its KV cache, ZipCache-quantized
 * like the prefix cache, in a least-recently-used map bounded by {@code neuropipe.decoder.sessions.max-bytes}. A turn
 * continues the token stream: the next request's prompt is the session's tokens followed by the new ones, and only the
 * rows the cache does not hold (the last answer token, the new prompt) are prefilled.
 */
@Component
public class SessionCache {

    /**
     * A session's state.
     *
     * @param prefix the first turn's prefix (its rows are the cache's first rows)
     * @param tokens the conversation's token ids so far: {@code <s>}, prompts and generated tokens
     * @param cached cache rows (prefix + the first of {@code tokens}) the quantized cache holds
     */
    public record Session(Prefix prefix, long[] tokens, int cached) {
    }

    private record Entry(Session session, QuantizedKvCache kv) {
    }

    private final PrefixCache quantizer;
    private final SessionCacheProperties props;
    private final Map<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    public SessionCache(PrefixCache quantizer, SessionCacheProperties props) {
        this.quantizer = quantizer;
        this.props = props;
    }

    /** The session's state, without its cache. */
    public synchronized Optional<Session> session(String id) {
        return Optional.ofNullable(sessions.get(id)).map(Entry::session);
    }

    /** The session's cache, dequantized, when {@code promptIds} continues its conversation. */
    public synchronized Optional<PrefixCache.Hit> restore(String id, long[] promptIds) {
        Entry e = sessions.get(id);
        if (e == null || promptIds.length <= e.session().tokens().length
                || !java.util.Arrays.equals(e.session().tokens(), 0, e.session().tokens().length, promptIds, 0,
                    e.session().tokens().length)) {
            return Optional.empty();
        }
        return Optional.of(new PrefixCache.Hit(e.session().cached(), ZipCacheCodec.decode(e.kv(), e.session().cached())));
    }

    /**
     * Keeps a finished turn: {@code tokens} the whole conversation so far, {@code fed} the rows of prefix and tokens whose
     * cache {@code kv} holds.
     */
    public void store(String id, Prefix prefix, long[] tokens, PromptEmbedding fed, KvSnapshot kv) {
        QuantizedKvCache quantized = quantizer.quantize(fed, kv);
        synchronized (this) {
            Entry old = sessions.remove(id);
            if (old != null) {
                bytes -= old.kv().bytes();
            }
            sessions.put(id, new Entry(new Session(prefix, tokens.clone(), kv.tokens()), quantized));
            bytes += quantized.bytes();
            for (Iterator<Entry> it = sessions.values().iterator(); bytes > props.maxBytes() && it.hasNext(); ) {
                bytes -= it.next().kv().bytes();
                it.remove();
            }
        }
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return sessions.size();
    }
}
