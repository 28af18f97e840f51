package io.neuropipe.decoder.spec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Native float buffers reused across requests. Allocating (and zeroing) a request's KV cache and scratch buffers
 * with {@link ByteBuffer#allocateDirect} cost more than the whole decode phase of a short caption on the dev box,
 * and the garbage they leave is only reclaimed by a full GC; so {@link TreeKvCache} takes its buffers here and gives
 * them back when the request ends. Thread-safe. Buffers come back with stale contents: callers read only what they
 * wrote.
 */
final class DirectBufferPool {

    /** Sizes are rounded up to this many floats so a buffer fits the next request's slightly longer prompt. */
    private static final int GRANULE = 16 * 1024;

    private final ConcurrentLinkedDeque<FloatBuffer> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final int maxIdle;

    /** @param maxIdle most buffers kept between requests; further returned buffers are left to the GC */
    DirectBufferPool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** A buffer of at least {@code floats} floats, position 0, limit = capacity. */
    FloatBuffer take(int floats) {
        for (Iterator<FloatBuffer> it = idle.iterator(); it.hasNext(); ) {
            FloatBuffer buffer = it.next();
            if (buffer.capacity() >= floats && idle.removeFirstOccurrence(buffer)) {
                idleCount.decrementAndGet();
                return buffer.clear();
            }
        }
        int rounded = (int) Math.min(Integer.MAX_VALUE / Float.BYTES, ((long) floats + GRANULE - 1) / GRANULE * GRANULE);
        return ByteBuffer.allocateDirect(rounded * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    void give(FloatBuffer buffer) {
        if (buffer != null && idleCount.incrementAndGet() <= maxIdle) {
            idle.addFirst(buffer);
        } else if (buffer != null) {
            idleCount.decrementAndGet();
        }
    }

    int idle() {
        return idleCount.get();
    }
}
