package io.neuropipe.decoder.sched;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Decides what runs at each step (vLLM's scheduler role): admits waiting sequences while fewer than {@code maxRunning}
 * run, drops cancelled ones before they cost a step, and consumes the model's outputs to retire finished sequences. It
 * never touches the model or the KV cache; the engine moves data between it and the {@link BatchedKvRunner}.
 */
final class Scheduler {

    private final int maxRunning;
    private final BlockingQueue<Sequence> waiting;
    private final List<Sequence> running = new ArrayList<>();

    Scheduler(int maxRunning, int queueCapacity) {
        this.maxRunning = maxRunning;
        this.waiting = new ArrayBlockingQueue<>(queueCapacity);
    }

    /** Queues a sequence, waiting up to {@code timeout} for room; false when the queue stayed full. */
    boolean enqueue(Sequence sequence, Duration timeout) throws InterruptedException {
        return waiting.offer(sequence, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Sequences to prefill before the next decode step, as many as there is room for. With nothing running it waits up to
     * {@code idleWait} for work.
     */
    List<Sequence> admit(Duration idleWait) throws InterruptedException {
        List<Sequence> admitted = new ArrayList<>();
        if (running.isEmpty()) {
            Sequence first = waiting.poll(idleWait.toNanos(), TimeUnit.NANOSECONDS);
            if (first != null) {
                admitIfLive(first, admitted);
            }
        }
        while (running.size() + admitted.size() < maxRunning) {
            Sequence next = waiting.poll();
            if (next == null) {
                break;
            }
            admitIfLive(next, admitted);
        }
        return admitted;
    }

    private static void admitIfLive(Sequence sequence, List<Sequence> admitted) {
        if (sequence.handle().isCancelled()) {
            sequence.cancelNow();
        } else {
            admitted.add(sequence);
        }
    }

    /** A prefilled sequence that is not finished yet joins the decode batch. */
    void join(Sequence sequence) {
        running.add(sequence);
    }

    /** The sequences of the next decode step, in a stable order; cancelled ones leave here, before the step. */
    List<Sequence> decodeBatch() {
        running.removeIf(s -> {
            if (s.handle().isCancelled()) {
                s.cancelNow();
                return true;
            }
            return false;
        });
        return List.copyOf(running);
    }

    /** Consumes one decode step's logits (row i belongs to {@code batch.get(i)}); finished sequences leave at once. */
    void update(List<Sequence> batch, float[][] logits, long eos) {
        for (int i = 0; i < batch.size(); i++) {
            Sequence s = batch.get(i);
            s.fed();
            if (s.advance(logits[i], eos)) {
                running.remove(s);
            }
        }
    }

    void failRunning(RuntimeException failure) {
        running.forEach(s -> s.fail(failure));
        running.clear();
    }

    void failWaiting(RuntimeException failure) {
        for (Sequence s = waiting.poll(); s != null; s = waiting.poll()) {
            s.fail(failure);
        }
    }

    int running() {
        return running.size();
    }

    int waiting() {
        return waiting.size();
    }
}
