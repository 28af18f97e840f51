package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;

import org.junit.jupiter.api.Test;

class DirectBufferPoolTest {

    @Test
    void aReturnedBufferIsReusedForARequestItFits() {
        DirectBufferPool pool = new DirectBufferPool(4);
        FloatBuffer first = pool.take(1000);
        assertThat(first.isDirect()).isTrue();
        assertThat(first.capacity()).isGreaterThanOrEqualTo(1000);
        first.position(10);
        pool.give(first);
        FloatBuffer again = pool.take(900);
        assertThat(again).isSameAs(first);
        assertThat(again.position()).isZero();
        assertThat(again.limit()).isEqualTo(again.capacity());
        assertThat(pool.idle()).isZero();
    }

    @Test
    void aTooSmallIdleBufferIsNotHandedOut() {
        DirectBufferPool pool = new DirectBufferPool(4);
        FloatBuffer small = pool.take(10);
        pool.give(small);
        FloatBuffer large = pool.take(small.capacity() + 1);
        assertThat(large).isNotSameAs(small);
        assertThat(large.capacity()).isGreaterThan(small.capacity());
        assertThat(pool.idle()).isEqualTo(1);
    }

    @Test
    void keepsAtMostMaxIdleBuffers() {
        DirectBufferPool pool = new DirectBufferPool(2);
        for (int i = 0; i < 5; i++) {
            pool.give(FloatBuffer.allocate(1));
        }
        assertThat(pool.idle()).isEqualTo(2);
    }
}
