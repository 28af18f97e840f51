package io.neuropipe.runtime.trace;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A W3C trace context ({@code traceparent}: version-traceid-spanid-flags). Each step continues the
 * trace of the envelope it received with a span id of its own.
 */
public record TraceContext(String traceId, String spanId, String flags) {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String INVALID_TRACE = "0".repeat(32);

    /** Parses a traceparent; a missing or malformed one starts a new trace. */
    public static TraceContext parseOrNew(String traceparent) {
        if (traceparent != null) {
            var m = TRACEPARENT.matcher(traceparent.trim());
            if (m.matches() && !m.group(1).equals(INVALID_TRACE)) {
                return new TraceContext(m.group(1), m.group(2), m.group(3));
            }
        }
        return newTrace();
    }

    public static TraceContext newTrace() {
        return new TraceContext(randomHex(16), randomHex(8), "01");
    }

    /** A new span in the same trace. */
    public TraceContext child() {
        return new TraceContext(traceId, randomHex(8), flags);
    }

    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        if (b[0] == 0) {
            b[0] = 1;
        }
        return HexFormat.of().formatHex(b);
    }
}
