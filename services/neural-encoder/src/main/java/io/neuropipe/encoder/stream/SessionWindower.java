package io.neuropipe.encoder.stream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

import io.neuropipe.proto.v1.EegStreamNotice;
import io.neuropipe.proto.v1.StreamGap;

/**
 * The sliding window of one EEG session: accepts chunks in sequence order, ignores repeated or
 * older ones, restarts the buffer after a gap (a window never spans missing samples) and cuts a
 * window every hop once a full window of samples is buffered. Keeps only the chunks the next
 * window still needs. Not thread-safe: one partition's records are handled by one thread.
 */
final class SessionWindower {

    /** A buffered chunk: channel-major [channels, samples]. */
    private record Chunk(long sequence, long offset, long startSample, int samples, float[] data) {
        long endSample() {
            return startSample + samples;
        }
    }

    /** What became of an offered chunk. */
    enum Outcome { ACCEPTED, DUPLICATE, REJECTED }

    private final String sessionId;
    private final Duration window;
    private final Duration hop;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private List<String> channels;
    private double rate;
    private int windowSamples;
    private int hopSamples;
    private long expectedSequence;
    private long acceptedSamples;
    private long nextWindowStart;
    private long windowIndex;
    private StreamGap pendingGap;
    private long lastOffset = -1;
    private long lastActivityNanos;

    private SessionWindower(String sessionId, Duration window, Duration hop, long nowNanos) {
        this.sessionId = sessionId;
        this.window = window;
        this.hop = hop;
        this.lastActivityNanos = nowNanos;
    }

    static SessionWindower fresh(String sessionId, Duration window, Duration hop, long nowNanos) {
        return new SessionWindower(sessionId, window, hop, nowNanos);
    }

    static SessionWindower restored(SessionCheckpoint cp, Duration window, Duration hop, long nowNanos) {
        SessionWindower s = new SessionWindower(cp.sessionId(), window, hop, nowNanos);
        s.expectedSequence = cp.resumeSequence();
        s.acceptedSamples = cp.chunkStartSample();
        s.nextWindowStart = cp.chunkStartSample() + cp.skipSamples();
        s.windowIndex = cp.windowIndex();
        if (cp.gapExpected() >= 0) {
            s.pendingGap = StreamGap.newBuilder().setExpectedSequence(cp.gapExpected()).setReceivedSequence(cp.gapReceived()).build();
        }
        return s;
    }

    /**
     * Offers one chunk ({@code data} channel-major [channelNames.size(), samples]); windows it
     * completes go to {@code windows}, gaps and rejections to {@code notices}.
     */
    Outcome offer(long sequence, long offset, double sampleRate, List<String> channelNames, int samples, float[] data,
                  String subject, String gallery, long nowNanos, List<EegWindow> windows, List<EegStreamNotice> notices) {
        lastActivityNanos = nowNanos;
        if (sequence < expectedSequence) {
            return Outcome.DUPLICATE;
        }
        lastOffset = offset;
        if (channels == null) {
            channels = List.copyOf(channelNames);
            rate = sampleRate;
            windowSamples = (int) Math.round(window.toNanos() * 1e-9 * rate);
            hopSamples = Math.max(1, (int) Math.round(hop.toNanos() * 1e-9 * rate));
        } else if (sampleRate != rate || !channels.equals(channelNames)) {
            notices.add(notice(EegStreamNotice.Kind.REJECTED_CHUNK, sequence, "Chunk " + sequence + " changes the session's "
                + (sampleRate != rate ? "sample rate from " + rate + " to " + sampleRate + " Hz" : "channels")
                + "; it was dropped and counts as missing"));
            return Outcome.REJECTED;
        }
        if (sequence > expectedSequence) {
            StreamGap gap = StreamGap.newBuilder().setExpectedSequence(expectedSequence).setReceivedSequence(sequence).build();
            notices.add(notice(EegStreamNotice.Kind.GAP, sequence, "Chunks " + expectedSequence + ".." + (sequence - 1)
                + " are missing; the window restarts at chunk " + sequence).toBuilder().setGap(gap).build());
            chunks.clear();
            nextWindowStart = acceptedSamples;
            pendingGap = gap;
        }
        chunks.addLast(new Chunk(sequence, offset, acceptedSamples, samples, data));
        acceptedSamples += samples;
        expectedSequence = sequence + 1;
        while (nextWindowStart + windowSamples <= acceptedSamples) {
            windows.add(cut(subject, gallery, nowNanos));
            windowIndex++;
            nextWindowStart += hopSamples;
            pendingGap = null;
        }
        while (!chunks.isEmpty() && chunks.peekFirst().endSample() <= nextWindowStart) {
            chunks.removeFirst();
        }
        return Outcome.ACCEPTED;
    }

    /** Rejects a chunk that failed validation before windowing; it will show up as a gap. */
    void reject(long sequence, String reason, long nowNanos, List<EegStreamNotice> notices) {
        lastActivityNanos = nowNanos;
        if (sequence >= expectedSequence) {
            notices.add(notice(EegStreamNotice.Kind.REJECTED_CHUNK, sequence, "Chunk " + sequence + " was dropped: " + reason));
        }
    }

    private EegWindow cut(String subject, String gallery, long nowNanos) {
        int nch = channels.size();
        float[] out = new float[nch * windowSamples];
        long from = nextWindowStart;
        long to = from + windowSamples;
        long first = -1;
        long last = -1;
        for (Chunk c : chunks) {
            long lo = Math.max(from, c.startSample());
            long hi = Math.min(to, c.endSample());
            if (lo >= hi) {
                continue;
            }
            first = first < 0 ? c.sequence() : first;
            last = c.sequence();
            int len = (int) (hi - lo);
            int src = (int) (lo - c.startSample());
            int dst = (int) (lo - from);
            for (int ch = 0; ch < nch; ch++) {
                System.arraycopy(c.data(), ch * c.samples() + src, out, ch * windowSamples + dst, len);
            }
        }
        return new EegWindow(sessionId, windowIndex, nextWindowStart, channels, rate, windowSamples, out, first, last,
            pendingGap, subject, gallery, nowNanos);
    }

    private EegStreamNotice notice(EegStreamNotice.Kind kind, long sequence, String message) {
        return EegStreamNotice.newBuilder().setSessionId(sessionId).setKind(kind).setSequence(sequence).setMessage(message)
            .setEmittedEpochMs(System.currentTimeMillis()).build();
    }

    /** Where to resume after a restart; see {@link SessionCheckpoint}. */
    SessionCheckpoint checkpoint() {
        long gapExpected = pendingGap == null ? -1 : pendingGap.getExpectedSequence();
        long gapReceived = pendingGap == null ? -1 : pendingGap.getReceivedSequence();
        Chunk first = chunks.peekFirst();
        if (first != null) {
            return new SessionCheckpoint(sessionId, first.sequence(), first.startSample(), nextWindowStart - first.startSample(),
                windowIndex, gapExpected, gapReceived);
        }
        return new SessionCheckpoint(sessionId, expectedSequence, acceptedSamples, nextWindowStart - acceptedSamples,
            windowIndex, gapExpected, gapReceived);
    }

    /** Offset of the oldest record this session still needs, or {@link Long#MAX_VALUE} when it needs none. */
    long oldestNeededOffset() {
        Chunk first = chunks.peekFirst();
        return first == null ? Long.MAX_VALUE : first.offset();
    }

    long lastOffset() {
        return lastOffset;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    String sessionId() {
        return sessionId;
    }
}
