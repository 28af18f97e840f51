package io.neuropipe.gateway.job;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.neuropipe.runtime.trace.Tracing;

/** W3C trace context {@code traceparent} values. */
public final class Traceparents {

    private static final Pattern VALID = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final HexFormat HEX = HexFormat.of();

    private Traceparents() {
    }

    /**
     * A new job's trace context: the current span's (the HTTP request, or the Kafka request being
     * consumed) when tracing records one, else a new span id in the caller's trace ({@link #childOf}).
     */
    public static String forJob(String callerTraceparent) {
        String current = Tracing.currentTraceparent();
        return current != null ? current : childOf(callerTraceparent);
    }

    /** A new span in the caller's trace when {@code parent} is a valid traceparent, else in a new sampled trace. */
    public static String childOf(String parent) {
        if (parent != null) {
            var m = VALID.matcher(parent.trim());
            if (m.matches() && !m.group(1).equals("0".repeat(32))) {
                return "00-" + m.group(1) + "-" + randomHex(8) + "-" + m.group(3);
            }
        }
        return "00-" + randomHex(16) + "-" + randomHex(8) + "-01";
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        do {
            ThreadLocalRandom.current().nextBytes(b);
        } while (allZero(b));
        return HEX.formatHex(b);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
