package io.neuropipe.decoder.sched;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.neuropipe.decoder.domain.Generation;

/**
 * The caller's side of a submitted sequence: its text deltas in order, its completion, and a way to cancel it. The engine
 * thread only enqueues deltas; the caller's thread hands them on, so a slow consumer never stalls the shared decode steps.
 */
public final class SequenceHandle {

    private static final Object END = new Object();

    private final CompletableFuture<Generation> completion = new CompletableFuture<>();
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final BooleanSupplier externalCancel;
    private volatile boolean cancelled;
    private volatile int reusedTokens;

    SequenceHandle(BooleanSupplier externalCancel) {
        this.externalCancel = externalCancel;
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled || externalCancel.getAsBoolean();
    }

    public CompletableFuture<Generation> completion() {
        return completion;
    }

    /** Prefill positions restored from the prefix cache instead of computed (0 when none). */
    public int reusedTokens() {
        return reusedTokens;
    }

    /**
     * Blocks until the sequence finishes, passing each text delta to {@code onText} on the calling thread. An interrupt
     * cancels the sequence.
     */
    public Generation await(Consumer<String> onText) throws InterruptedException {
        try {
            for (Object event = events.take(); event != END; event = events.take()) {
                onText.accept((String) event);
            }
        } catch (InterruptedException e) {
            cancel();
            throw e;
        }
        try {
            return completion.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    void text(String delta) {
        events.add(delta);
    }

    void reused(int tokens) {
        reusedTokens = tokens;
    }

    void finish(Generation generation) {
        completion.complete(generation);
        events.add(END);
    }

    void fail(RuntimeException failure) {
        completion.completeExceptionally(failure);
        events.add(END);
    }
}
