package io.neuropipe.runtime.retry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutageBackoffTest {

    @Test
    void aPauseNeverOutlastsItsCap() {
        OutageBackoff backoff = new OutageBackoff();
        long started = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            assertThat(backoff.pause(1)).isTrue();
        }
        assertThat((System.nanoTime() - started) / 1_000_000).as("ten pauses capped at 1 ms").isLessThan(1_000);
    }

    @Test
    void anInterruptedPauseReportsItAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThat(new OutageBackoff().pause(1_000)).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
