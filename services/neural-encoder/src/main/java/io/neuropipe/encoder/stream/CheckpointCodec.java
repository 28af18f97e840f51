package io.neuropipe.encoder.stream;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Session checkpoints as the metadata string of a committed Kafka offset: a version line, then one
 * line per session: {@code urlencoded-id resumeSeq chunkStart skip windowIndex gapExpected gapReceived}.
 * Brokers bound the string ({@code offset.metadata.max.bytes}, 4096 by default): ~60 sessions per partition.
 */
final class CheckpointCodec {

    private static final String VERSION = "np-eeg-windows-1";

    private CheckpointCodec() {
    }

    static String encode(Collection<SessionCheckpoint> sessions) {
        StringBuilder s = new StringBuilder(VERSION);
        for (SessionCheckpoint c : sessions) {
            s.append('\n').append(URLEncoder.encode(c.sessionId(), StandardCharsets.UTF_8)).append(' ')
                .append(c.resumeSequence()).append(' ').append(c.chunkStartSample()).append(' ').append(c.skipSamples())
                .append(' ').append(c.windowIndex()).append(' ').append(c.gapExpected()).append(' ').append(c.gapReceived());
        }
        return s.toString();
    }

    /** The sessions of {@code metadata}; none for an empty string (no commit yet). */
    static List<SessionCheckpoint> decode(String metadata) {
        List<SessionCheckpoint> out = new ArrayList<>();
        if (metadata == null || metadata.isEmpty()) {
            return out;
        }
        String[] lines = metadata.split("\n");
        if (!lines[0].equals(VERSION)) {
            throw new IllegalStateException("Committed stream offset carries unknown window state '" + lines[0] + "'");
        }
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(" ");
            if (f.length != 7) {
                throw new IllegalStateException("Malformed window state line: " + lines[i]);
            }
            out.add(new SessionCheckpoint(URLDecoder.decode(f[0], StandardCharsets.UTF_8), Long.parseLong(f[1]),
                Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])));
        }
        return out;
    }
}
