package io.neuropipe.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void aBurstUpToCapacityThenOneTokenPerRefillInterval() {
        AtomicLong now = new AtomicLong(1_000);
        RateLimiter limiter = new RateLimiter(3, 2, now::get);
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isZero();
        // empty: one token takes 1/2 s
        assertThat(limiter.tryAcquire("a")).isEqualTo(500_000_000L);
        assertThat(limiter.tryAcquire("b")).as("buckets are per key").isZero();
        now.addAndGet(250_000_000L);
        assertThat(limiter.tryAcquire("a")).isEqualTo(250_000_000L);
        now.addAndGet(250_000_000L);
        assertThat(limiter.tryAcquire("a")).isZero();
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("a")).as("refill stops at capacity").isZero();
        }
        assertThat(limiter.tryAcquire("a")).isPositive();
    }
}
