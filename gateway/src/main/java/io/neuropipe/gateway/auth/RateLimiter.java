package io.neuropipe.gateway.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Token bucket per key: {@code capacity} tokens, refilled continuously at {@code refillPerSecond};
 * a request takes one token or is told how long until one is there.
 */
public final class RateLimiter {

    private final long capacity;
    private final double tokensPerNano;
    private final LongSupplier nanoClock;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int capacity, int refillPerSecond, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.tokensPerNano = refillPerSecond / 1e9;
        this.nanoClock = nanoClock;
    }

    /** Takes a token of {@code key}'s bucket: 0 when taken, else the nanoseconds until one is available. */
    public long tryAcquire(String key) {
        return buckets.computeIfAbsent(key, k -> new Bucket(capacity, nanoClock.getAsLong())).take();
    }

    private final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized long take() {
            long now = nanoClock.getAsLong();
            tokens = Math.min(capacity, tokens + (now - updated) * tokensPerNano);
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / tokensPerNano);
        }
    }
}
