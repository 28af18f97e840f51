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
 * rows the cache does not hold (the last answer token, the new prompt) are prefilled. Every kept turn counts: a
 * continuation names the turn it continues and fails ({@link SessionNotHeldException}) unless the session is held at
 * exactly that turn.
 */
@Component
public class SessionCache {

    /**
     * A session's state.
     *
     * @param prefix the first turn's prefix (its rows are the cache's first rows)
     * @param tokens the conversation's token ids so far: {@code <s>}, prompts and generated tokens
     * @param cached cache rows (prefix + the first of {@code tokens}) the quantized cache holds
     * @param turns  turns the session holds (1 after its first)
     */
    public record Session(Prefix prefix, long[] tokens, int cached, int turns) {
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

    /**
     * The session held at {@code turn} (turns kept so far, >= 1).
     *
     * @throws SessionNotHeldException when the session is not held, or is held at another turn
     */
    public synchronized Session continued(String id, int turn) {
        return held(id, turn).session();
    }

    /**
     * The session's cache, dequantized, for a turn continuing it at {@code turn} with {@code promptIds}.
     *
     * @throws SessionNotHeldException when the session is not held at that turn, or {@code promptIds} does not continue
     *                                 its conversation (another turn replaced it in between)
     */
    public synchronized PrefixCache.Hit restore(String id, int turn, long[] promptIds) {
        Entry e = held(id, turn);
        long[] tokens = e.session().tokens();
        if (promptIds.length <= tokens.length
                || !java.util.Arrays.equals(tokens, 0, tokens.length, promptIds, 0, tokens.length)) {
            throw new SessionNotHeldException(id, turn, "it holds another conversation at that turn now");
        }
        return new PrefixCache.Hit(e.session().cached(), ZipCacheCodec.decode(e.kv(), e.session().cached()));
    }

    private Entry held(String id, int turn) {
        Entry e = sessions.get(id);
        if (e == null) {
            throw new SessionNotHeldException(id, turn, "it holds no such session");
        }
        if (e.session().turns() != turn) {
            throw new SessionNotHeldException(id, turn, "it holds that session at turn " + e.session().turns());
        }
        return e;
    }

    /**
     * Keeps a finished turn, replacing whatever the session held: {@code turns} the turns it now holds, {@code tokens} the
     * whole conversation so far, {@code fed} the rows of prefix and tokens whose cache {@code kv} holds.
     */
    public void store(String id, int turns, Prefix prefix, long[] tokens, PromptEmbedding fed, KvSnapshot kv) {
        QuantizedKvCache quantized = quantizer.quantize(fed, kv);
        synchronized (this) {
            Entry old = sessions.remove(id);
            if (old != null) {
                bytes -= old.kv().bytes();
            }
            sessions.put(id, new Entry(new Session(prefix, tokens.clone(), kv.tokens(), turns), quantized));
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
