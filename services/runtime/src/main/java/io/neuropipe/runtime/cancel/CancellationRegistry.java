package io.neuropipe.runtime.cancel;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * Ids of cancelled jobs this instance has heard of, each remembered for a while: a bounded set
 * whose oldest entries go first when it is full or when they expire.
 */
public final class CancellationRegistry {

    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final Queue<String> order = new ConcurrentLinkedQueue<>();
    private final int capacity;
    private final long ttlMs;
    private final LongSupplier clockMs;

    public CancellationRegistry(int capacity, long ttlMs) {
        this(capacity, ttlMs, System::currentTimeMillis);
    }

    CancellationRegistry(int capacity, long ttlMs, LongSupplier clockMs) {
        this.capacity = capacity;
        this.ttlMs = ttlMs;
        this.clockMs = clockMs;
    }

    public void cancel(String jobId) {
        if (expiries.put(jobId, clockMs.getAsLong() + ttlMs) == null) {
            order.add(jobId);
        }
        evict();
    }

    public boolean isCancelled(String jobId) {
        Long expiry = expiries.get(jobId);
        return expiry != null && expiry > clockMs.getAsLong();
    }

    /** A token that steps poll for {@code jobId}. */
    public CancellationToken token(String jobId) {
        return () -> isCancelled(jobId);
    }

    public int size() {
        return expiries.size();
    }

    private void evict() {
        long now = clockMs.getAsLong();
        while (true) {
            String oldest = order.peek();
            if (oldest == null) {
                return;
            }
            Long expiry = expiries.get(oldest);
            if (expiries.size() <= capacity && expiry != null && expiry > now) {
                return;
            }
            if (order.remove(oldest)) {
                expiries.remove(oldest);
            }
        }
    }
}
