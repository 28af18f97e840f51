package io.neuropipe.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {

    @Test
    void groupsConcurrentRequestsUpToTheMaximumAndKeepsResultsInOrder() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (var batcher = new DynamicBatcher<Integer, Integer>("square", 4, Duration.ofMillis(300), 64, items -> {
            awaitQuietly(release);
            batchSizes.add(items.size());
            return items.stream().map(i -> i * i).toList();
        }, new SimpleMeterRegistry())) {
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                results.add(batcher.submit(i));
            }
            release.countDown();
            for (int i = 0; i < 10; i++) {
                assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i * i);
            }
        }
        assertThat(batchSizes).allMatch(s -> s <= 4);
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        // the first call may run alone (the worker took it before the rest arrived); the rest fill up
        assertThat(batchSizes).contains(4);
    }

    @Test
    void flushesAPartialBatchAfterTheMaximumDelay() throws Exception {
        try (var batcher = new DynamicBatcher<String, Integer>("len", 64, Duration.ofMillis(20), 64,
                items -> items.stream().map(String::length).toList(), new SimpleMeterRegistry())) {
            assertThat(batcher.submit("abc").get(5, TimeUnit.SECONDS)).isEqualTo(3);
        }
    }

    @Test
    void failsEveryRequestOfABatchWhoseCallFailed() {
        try (var batcher = new DynamicBatcher<Integer, Integer>("boom", 8, Duration.ofMillis(5), 64, items -> {
            throw new IllegalStateException("model exploded");
        }, new SimpleMeterRegistry())) {
            assertThatThrownBy(() -> batcher.submit(1).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasRootCauseMessage("model exploded");
        }
    }

    @Test
    void rejectsWhenTheQueueIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (var batcher = new DynamicBatcher<Integer, Integer>("full", 1, Duration.ZERO, 1, items -> {
            awaitQuietly(release);
            return items;
        }, new SimpleMeterRegistry())) {
            CompletableFuture<Integer> first = batcher.submit(1);
            // wait until the worker holds the first item, so the queue is empty again
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            CompletableFuture<Integer> second;
            CompletableFuture<Integer> third;
            do {
                second = batcher.submit(2);
                third = batcher.submit(3);
            } while (!third.isCompletedExceptionally() && System.nanoTime() < end);
            assertThat(third).isCompletedExceptionally();
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
