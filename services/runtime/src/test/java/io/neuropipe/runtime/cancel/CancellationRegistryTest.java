package io.neuropipe.runtime.cancel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;

import io.neuropipe.runtime.step.JobCancelledException;
import org.junit.jupiter.api.Test;

class CancellationRegistryTest {

    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void remembersACancelledJobUntilItExpires() {
        CancellationRegistry registry = new CancellationRegistry(10, 500, now::get);
        CancellationToken token = registry.token("a");
        assertThat(token.isCancelled()).isFalse();
        registry.cancel("a");
        assertThat(token.isCancelled()).isTrue();
        assertThat(registry.isCancelled("b")).isFalse();
        assertThatThrownBy(token::throwIfCancelled).isInstanceOf(JobCancelledException.class);
        now.addAndGet(499);
        assertThat(registry.isCancelled("a")).isTrue();
        now.addAndGet(1);
        assertThat(registry.isCancelled("a")).isFalse();
        registry.cancel("b");
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void forgetsTheOldestWhenFull() {
        CancellationRegistry registry = new CancellationRegistry(3, 60_000, now::get);
        for (String id : new String[] {"a", "b", "c", "d", "e"}) {
            registry.cancel(id);
            now.incrementAndGet();
        }
        assertThat(registry.size()).isEqualTo(3);
        assertThat(registry.isCancelled("a")).isFalse();
        assertThat(registry.isCancelled("b")).isFalse();
        assertThat(registry.isCancelled("c")).isTrue();
        assertThat(registry.isCancelled("e")).isTrue();
        registry.cancel("e");
        assertThat(registry.size()).isEqualTo(3);
    }
}
