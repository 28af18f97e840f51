package io.neuropipe.decoder.sched;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.PromptEmbedding;
import io.neuropipe.decoder.domain.TextStreamer;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.decoder.engine.PromptInputs;
import io.neuropipe.decoder.kv.PrefixCache;
import io.neuropipe.runtime.step.TransientStepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Continuous batching: concurrent requests share decode steps. One engine thread loops: admit waiting sequences (each is
 * prefilled on its own and samples its first token), then run one decode step for every running sequence in a single
 * model call, then let the scheduler consume the logits — finished sequences leave at once, new ones join before the next
 * step. Callers block on their {@link SequenceHandle}.
 */
@Component
public class ContinuousBatchingEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ContinuousBatchingEngine.class);
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);

    private final LanguageModelEngine engine;
    private final BatchingProperties props;
    private final PrefixCache prefixCache;
    private final Scheduler scheduler;
    private final BatchedKvRunner runner;
    private final long eos;
    private final int hidden;
    private final AtomicLong nextId = new AtomicLong();
    private final Thread loop;
    private volatile boolean closed;
    private volatile int peakBatch;

    public ContinuousBatchingEngine(LanguageModelEngine engine, BatchingProperties props, PrefixCache prefixCache) {
        this.engine = engine;
        this.props = props;
        this.prefixCache = prefixCache;
        this.scheduler = new Scheduler(props.maxRunning(), props.queueCapacity());
        this.hidden = engine.hidden();
        this.runner = new BatchedKvRunner(engine.lm(), hidden);
        this.eos = (long) engine.card().preprocessingNumber("eos_id", 2);
        this.loop = new Thread(this::run, "llm-decoder-batch");
        loop.setDaemon(true);
        loop.start();
    }

    /**
     * Queues a request; blocks while the queue is full, up to the configured admit timeout.
     *
     * @param cancelled polled before each of the sequence's steps; once true the sequence ends with finish reason
     *                  {@code cancelled}
     */
    public SequenceHandle submit(GenerationRequest request, SequenceOptions options, BooleanSupplier cancelled) {
        if (closed) {
            throw new TransientStepException("The decoder engine is shutting down", null);
        }
        SequenceHandle handle = new SequenceHandle(cancelled);
        TextStreamer streamer = new TextStreamer(ids -> engine.tokenizer().decode(ids, true));
        Sequence sequence = new Sequence(nextId.incrementAndGet(), request, options, handle, streamer);
        try {
            if (!scheduler.enqueue(sequence, props.admitTimeout())) {
                throw new TransientStepException("The decoder's queue stayed full for " + props.admitTimeout()
                    + " (neuropipe.decoder.batching.queue-capacity " + props.queueCapacity() + ")", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientStepException("Interrupted while waiting for room in the decoder's queue", e);
        }
        return handle;
    }

    /** Most sequences decoded together in one step so far. */
    public int peakBatch() {
        return peakBatch;
    }

    private void run() {
        while (!closed) {
            try {
                step();
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                log.error("A decode step failed; failing its {} sequences", scheduler.running(), e);
                scheduler.failRunning(e);
                runner.reset();
            }
        }
        TransientStepException stopped = new TransientStepException("The decoder engine stopped", null);
        scheduler.failRunning(stopped);
        scheduler.failWaiting(stopped);
        runner.close();
    }

    private void step() throws InterruptedException {
        for (Sequence s : scheduler.admit(IDLE_WAIT)) {
            try {
                prefill(s);
            } catch (RuntimeException e) {
                runner.release(s.id());
                s.fail(e);
            }
        }
        List<Sequence> batch = scheduler.decodeBatch();
        if (batch.isEmpty()) {
            return;
        }
        int b = batch.size();
        peakBatch = Math.max(peakBatch, b);
        long[] ids = new long[b];
        long[] positions = new long[b];
        float[] embeds = new float[b * hidden];
        for (int i = 0; i < b; i++) {
            Sequence s = batch.get(i);
            ids[i] = s.id();
            positions[i] = s.nextPosition();
            engine.embed(s.nextToken(), embeds, i * hidden);
        }
        scheduler.update(batch, runner.decode(ids, embeds, positions), eos);
    }

    private void prefill(Sequence s) {
        long start = System.nanoTime();
        GenerationRequest request = s.request();
        PromptInputs inputs = PromptInputs.of(engine, request);
        PromptEmbedding full = new PromptEmbedding(request.prefix(), request.promptIds(), inputs.embeds(), inputs.positions(),
            inputs.count(), hidden);
        boolean useCache = s.options().prefixCache();
        Optional<PrefixCache.Hit> hit = useCache ? prefixCache.lookup(full) : Optional.empty();
        int reused = hit.map(PrefixCache.Hit::tokens).orElse(0);
        int count = full.length() - reused;
        float[] logits = runner.prefill(s.id(), Arrays.copyOfRange(full.embeds(), reused * hidden, full.length() * hidden),
            Arrays.copyOfRange(full.positions(), reused, full.length()), count, hit.map(PrefixCache.Hit::kv).orElse(null));
        if (useCache && hit.isEmpty()) {
            prefixCache.store(full, runner.snapshot(s.id()));
        }
        s.handle().reused(reused);
        s.prefilled(full.positions()[full.length() - 1] + 1, (System.nanoTime() - start) / 1000);
        if (s.advance(logits, eos)) {
            runner.release(s.id());
        } else {
            scheduler.join(s);
        }
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
