package io.neuropipe.runtime.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Groups concurrent requests for one model into batches (Triton's dynamic batcher): a batch is
 * flushed when it reaches {@code maxBatchSize} or when its oldest request has waited
 * {@code maxDelay}, and runs as a single call of {@code batchFunction}.
 *
 * @param <I> one request
 * @param <O> its result; {@code batchFunction} returns one per request, in order
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {

    private record Pending<I, O>(I item, CompletableFuture<O> result, long enqueuedNanos) {
    }

    private final String name;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final Function<List<I>, List<O>> batchFunction;
    private final BlockingQueue<Pending<I, O>> queue;
    private final Thread worker;
    private final DistributionSummary batchSizes;
    private volatile boolean running = true;

    public DynamicBatcher(String name, int maxBatchSize, Duration maxDelay, int queueCapacity,
                          Function<List<I>, List<O>> batchFunction, MeterRegistry registry) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1 for batcher " + name);
        }
        this.name = name;
        this.maxBatchSize = maxBatchSize;
        this.maxDelayNanos = maxDelay.toNanos();
        this.batchFunction = batchFunction;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.batchSizes = DistributionSummary.builder("neuropipe.batch.size")
            .description("Requests per model call").tag("batcher", name).register(registry);
        Gauge.builder("neuropipe.batch.queue.depth", queue, BlockingQueue::size)
            .description("Requests waiting to be batched").tag("batcher", name).register(registry);
        this.worker = new Thread(this::loop, "batcher-" + name);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues one request; completes exceptionally with whatever the batch function threw. */
    public CompletableFuture<O> submit(I item) {
        CompletableFuture<O> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new RejectedExecutionException("Batcher " + name + " is closed"));
        } else if (!queue.offer(new Pending<>(item, result, System.nanoTime()))) {
            result.completeExceptionally(new RejectedExecutionException("Batcher " + name + " queue is full"));
        }
        return result;
    }

    private void loop() {
        List<Pending<I, O>> batch = new ArrayList<>(maxBatchSize);
        while (running) {
            try {
                Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long flushAt = first.enqueuedNanos() + maxDelayNanos;
                while (batch.size() < maxBatchSize) {
                    long wait = flushAt - System.nanoTime();
                    Pending<I, O> next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                execute(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        Pending<I, O> left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(new RejectedExecutionException("Batcher " + name + " closed"));
        }
    }

    private void execute(List<Pending<I, O>> batch) {
        batchSizes.record(batch.size());
        List<I> items = new ArrayList<>(batch.size());
        for (Pending<I, O> p : batch) {
            items.add(p.item());
        }
        try {
            List<O> results = batchFunction.apply(items);
            if (results.size() != batch.size()) {
                throw new IllegalStateException("Batch function of " + name + " returned " + results.size()
                    + " results for " + batch.size() + " requests");
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException e) {
            for (Pending<I, O> p : batch) {
                p.result().completeExceptionally(e);
            }
        }
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
    }
}
