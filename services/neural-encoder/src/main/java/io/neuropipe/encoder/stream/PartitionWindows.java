package io.neuropipe.encoder.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * The sessions of one input partition and the offset to commit for it: the oldest record any
 * session still needs (or the next unread one), with every session's {@link SessionCheckpoint} as
 * the commit's metadata. A restarted instance re-reads from there and rebuilds the same windows.
 */
final class PartitionWindows {

    private final Duration window;
    private final Duration hop;
    private final Duration idleTimeout;
    private final Map<String, SessionWindower> sessions = new LinkedHashMap<>();
    private long nextOffset;

    PartitionWindows(Duration window, Duration hop, Duration idleTimeout, long startOffset, String metadata, long nowNanos) {
        this.window = window;
        this.hop = hop;
        this.idleTimeout = idleTimeout;
        this.nextOffset = startOffset;
        for (SessionCheckpoint cp : CheckpointCodec.decode(metadata)) {
            sessions.put(cp.sessionId(), SessionWindower.restored(cp, window, hop, nowNanos));
        }
    }

    SessionWindower session(String sessionId, long nowNanos) {
        return sessions.computeIfAbsent(sessionId, id -> SessionWindower.fresh(id, window, hop, nowNanos));
    }

    /** Records that {@code offset} has been handled (whatever became of it). */
    void advance(long offset) {
        nextOffset = Math.max(nextOffset, offset + 1);
    }

    /** Offset to commit: re-reading from it rebuilds every session's buffer. */
    long commitOffset() {
        long min = nextOffset;
        for (SessionWindower s : sessions.values()) {
            min = Math.min(min, s.oldestNeededOffset());
        }
        return min;
    }

    /**
     * Forgets sessions idle for longer than the timeout whose records all lie before the commit
     * offset, then returns the metadata for the commit.
     */
    String checkpoint(long nowNanos) {
        long commit = commitOffset();
        for (Iterator<SessionWindower> it = sessions.values().iterator(); it.hasNext(); ) {
            SessionWindower s = it.next();
            if (nowNanos - s.lastActivityNanos() > idleTimeout.toNanos() && s.lastOffset() < commit
                    && s.oldestNeededOffset() == Long.MAX_VALUE) {
                it.remove();
            }
        }
        List<SessionCheckpoint> all = new ArrayList<>(sessions.size());
        sessions.values().forEach(s -> all.add(s.checkpoint()));
        return CheckpointCodec.encode(all);
    }

    int sessionCount() {
        return sessions.size();
    }
}
